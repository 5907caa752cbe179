"""Thin HTTP views of the person's data as files: export, import and the therapist report.

Export and report answer a file (CSV, JSON, PDF) whatever the Accept header prefers: browsers, curl and
API clients send all sorts, and a 406 would only get in the way. Errors are still JSON.
"""

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import unavailable_response
from api.fields import StrictCharField
from api.negotiation import AnyAcceptNegotiation
from api.parsers import json_loads_bounded
from api.schema import ERRORS
from api.serializers import DateRangeInput
from tracker import exports, imports, messages, report, services
from tracker.trends import current_local_date  # "today" as trends, export and report see it

# Multipart framing (boundaries, part headers, the mapping field) around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self) -> None:
        limit = settings.IMPORT_MAX_BYTES
        size = f"{limit / 1024 / 1024:.0f} MB" if limit >= 1024 * 1024 else f"{limit:,} bytes"
        super().__init__(f"The file is larger than the import limit of {size}.")


# --- export ------------------------------------------------------------------------------------


class ExportInput(serializers.Serializer):
    format = serializers.ChoiceField(choices=["json", "csv"], required=False, default="json")


class ExportView(APIView):
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["json", "csv"], description="default json")],
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="Attune JSON v1"),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="one row per check-in"),
            400: ERRORS[400],
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        """Everything of the caller as a streamed download: lossless JSON, or CSV for a spreadsheet."""
        params = ExportInput(data=request.query_params.dict())  # "?format=" is an error, not the default
        params.is_valid(raise_exception=True)
        kind = params.validated_data["format"]
        profile = services.profile_get(user=request.user)
        if kind == "csv":
            chunks = exports.export_csv(user=request.user, profile=profile)
            content_type = "text/csv; charset=utf-8"
        else:
            chunks = exports.export_json(user=request.user, profile=profile, now=timezone.now())
            content_type = "application/json; charset=utf-8"
        response = StreamingHttpResponse(chunks, content_type=content_type)
        filename = exports.export_filename(kind=kind, today=current_local_date(profile=profile))
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- import ------------------------------------------------------------------------------------


class ImportInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    mapping = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=100_000,
        help_text='Daylio only: a JSON object {"mood label": "emotion slug"} overriding the defaults.',
    )


class ImportOutput(serializers.Serializer):
    class RowProblem(serializers.Serializer):
        row = serializers.IntegerField(allow_null=True)
        message = serializers.CharField()

    format = serializers.ChoiceField(choices=["attune-json", "attune-csv", "daylio-csv"])
    imported = serializers.IntegerField()
    skipped = serializers.IntegerField()
    errors = RowProblem(many=True)
    warnings = RowProblem(many=True)
    unknown_labels = serializers.ListField(child=serializers.CharField())


class ImportInterruptedOutput(ImportOutput):
    detail = serializers.CharField()
    remaining = serializers.IntegerField(help_text="check-ins of the file not written yet")


class ImportView(APIView):
    parser_classes = [MultiPartParser]
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        request={"multipart/form-data": ImportInput},
        responses={
            200: ImportOutput,
            400: OpenApiResponse(description="Not an Attune or Daylio export, or a bad mapping"),
            413: OpenApiResponse(description="Larger than IMPORT_MAX_BYTES"),
            503: OpenApiResponse(
                ImportInterruptedOutput,
                description="The server was busy: what was written is kept; send the file again",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        """Import an Attune JSON/CSV or Daylio CSV export, all or nothing at the file level."""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # Refuse before the body is read: a huge upload is not parsed, spooled or held in memory.
        if length > settings.IMPORT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES:
            raise PayloadTooLarge()
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise PayloadTooLarge()
        mapping = parse_mapping(data.validated_data.get("mapping") or "")
        try:
            result = imports.import_file(user=request.user, data=upload.read(), mapping=mapping)
        except imports.ImportInterrupted as stopped:
            return unavailable_response(import_interrupted_body(stopped))
        return Response(result.as_dict())


def import_interrupted_body(stopped: imports.ImportInterrupted) -> dict:
    written = stopped.result.imported
    return {
        **stopped.result.as_dict(),
        "detail": (
            f"The server was busy, so the import stopped part-way: {written:,} check-ins were written and "
            f"{stopped.remaining:,} were not. Send the same file again to complete it; the check-ins "
            "already written are skipped."
        ),
        "remaining": stopped.remaining,
    }


def parse_mapping(text: str) -> dict:
    if not text.strip():
        return {}
    try:
        mapping = json_loads_bounded(text)
    except ValueError:  # not JSON, or nested deeper than any mapping
        mapping = None
    if not isinstance(mapping, dict):
        raise services.ValidationError({"mapping": [messages.MAPPING_SHAPE]})
    return mapping


# --- therapist report --------------------------------------------------------------------------


class ReportInput(DateRangeInput):
    include_notes = serializers.BooleanField(required=False, default=False)
    include_kind_lines = serializers.BooleanField(required=False, default=False)
    include_intentions = serializers.BooleanField(required=False, default=False)


class ReportView(APIView):
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="first local date (default: 4 weeks ago)"
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last local date (default: today)"),
            OpenApiParameter("include_notes", bool, description="add the notes (default false)"),
            OpenApiParameter(
                "include_kind_lines", bool, description="add the harsh and kinder lines (default false)"
            ),
            OpenApiParameter(
                "include_intentions", bool, description="add the weekly intentions (default false)"
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="multi-page PDF"),
            400: ERRORS[400],
        },
    )
    def get(self, request: Request) -> HttpResponse:
        """A PDF summary of a range (at most 3 years) to bring to a therapist; notes, kinder lines and
        intentions only when asked."""
        params = ReportInput(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        profile = services.profile_get(user=request.user)
        date_from, date_to = report.resolve_report_range(
            profile=profile,
            date_from=params.validated_data.get("date_from"),
            date_to=params.validated_data.get("date_to"),
        )
        include_notes = params.validated_data["include_notes"]
        data = report.report_data(
            user=request.user,
            profile=profile,
            date_from=date_from,
            date_to=date_to,
            include_notes=include_notes,
            include_kind_lines=params.validated_data["include_kind_lines"],
            include_intentions=params.validated_data["include_intentions"],
        )
        pdf = report.render_report(
            data, include_notes=include_notes, today=current_local_date(profile=profile)
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"attune-report-{date_from.isoformat()}-to-{date_to.isoformat()}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
