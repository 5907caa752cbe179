from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import credential_views, data_views, practice_views, reminder_views, trend_views, views

urlpatterns = [
    # The hot paths first: Django tries each pattern in order and records every miss (issue 12).
    path("me", views.MeView.as_view(), name="me"),
    path("checkins/", views.CheckInListView.as_view(), name="checkins"),
    path("checkins/<str:checkin_id>/", views.CheckInDetailView.as_view(), name="checkin-detail"),
    path("trends/week", trend_views.WeekTrendsView.as_view(), name="trends-week"),
    path("trends/range", trend_views.RangeTrendsView.as_view(), name="trends-range"),
    path("charts/week.svg", trend_views.WeekChartView.as_view(), {"fmt": "svg"}, name="chart-week-svg"),
    path("charts/week.png", trend_views.WeekChartView.as_view(), {"fmt": "png"}, name="chart-week-png"),
    path("charts/range.svg", trend_views.RangeChartView.as_view(), {"fmt": "svg"}, name="chart-range-svg"),
    path("charts/range.png", trend_views.RangeChartView.as_view(), {"fmt": "png"}, name="chart-range-png"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("auth/csrf", views.CsrfView.as_view(), name="auth-csrf"),
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout", credential_views.LogoutView.as_view(), name="auth-logout"),
    path("auth/token", credential_views.TokenView.as_view(), name="auth-token"),
    path("auth/tokens", credential_views.TokenListView.as_view(), name="auth-tokens"),
    path("auth/tokens/<str:token_id>", credential_views.TokenDetailView.as_view(), name="auth-token-detail"),
    path("me/password", credential_views.PasswordView.as_view(), name="me-password"),
    path("vocabulary", views.VocabularyView.as_view(), name="vocabulary"),
    path(
        "vocabulary/emotions",
        views.EmotionCreateView.as_view(),
        name="vocabulary-emotions",
    ),
    path("vocabulary/needs", views.NeedCreateView.as_view(), name="vocabulary-needs"),
    path(
        "vocabulary/sensations",
        views.SensationCreateView.as_view(),
        name="vocabulary-sensations",
    ),
    path("vocabulary/helps", views.HelpCreateView.as_view(), name="vocabulary-helps"),
    path("boundaries/", practice_views.BoundaryListView.as_view(), name="boundaries"),
    path(
        "boundaries/<str:boundary_id>/", practice_views.BoundaryDetailView.as_view(), name="boundary-detail"
    ),
    path("intentions/<str:week_start>", practice_views.IntentionView.as_view(), name="intention"),
    path("reminders/", reminder_views.ReminderListView.as_view(), name="reminders"),
    path("reminders.ics", reminder_views.ReminderCalendarView.as_view(), name="reminders-ics"),
    path("reminders/<str:reminder_id>/", reminder_views.ReminderDetailView.as_view(), name="reminder-detail"),
    path("me/calendar-token", reminder_views.CalendarTokenView.as_view(), name="me-calendar-token"),
    path("push/public-key", reminder_views.PushPublicKeyView.as_view(), name="push-public-key"),
    path("push/subscriptions", reminder_views.PushSubscriptionView.as_view(), name="push-subscriptions"),
    path("push/test", reminder_views.PushTestView.as_view(), name="push-test"),
    path("export", data_views.ExportView.as_view(), name="export"),
    path("import", data_views.ImportView.as_view(), name="import"),
    path("report.pdf", data_views.ReportView.as_view(), name="report"),
]
