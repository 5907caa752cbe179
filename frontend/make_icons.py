"""Draws the app's PNG icons (run once after changing the design: `python -m frontend.make_icons`).

A calm ring around a soft dot: noticing what is at the centre. Drawn at 4× and scaled down for
smooth edges; the maskable icon keeps its motif inside the 80 % safe zone.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent / "static" / "frontend" / "icons"
TEAL = (47, 99, 120, 255)
CREAM = (246, 244, 240, 255)
SAND = (243, 215, 170, 255)


def draw(size: int, *, maskable: bool = False, rounded: bool = True, mono: bool = False) -> Image.Image:
    scale = 4
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    if not mono:
        if rounded and not maskable:
            d.rounded_rectangle((0, 0, s - 1, s - 1), radius=int(s * 0.22), fill=TEAL)
        else:
            d.rectangle((0, 0, s, s), fill=TEAL)
    motif = 0.56 if maskable else 0.7
    r = s * motif / 2
    c = s / 2
    width = max(2, int(s * 0.055))
    ring = CREAM if not mono else (255, 255, 255, 255)
    d.ellipse((c - r, c - r, c + r, c + r), outline=ring, width=width)
    r2 = r * 0.62
    d.ellipse((c - r2, c - r2, c + r2, c + r2), outline=ring, width=max(2, width // 2))
    r3 = r * 0.26
    d.ellipse((c - r3, c - r3, c + r3, c + r3), fill=SAND if not mono else ring)
    small = image.resize((size, size), Image.LANCZOS)
    # A small palette keeps the files a few KB without visible banding on flat colours.
    return small.quantize(colors=48, method=Image.Quantize.FASTOCTREE).convert("RGBA") if not mono else small


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192).save(OUT / "icon-192.png", optimize=True)
    draw(512).save(OUT / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(OUT / "maskable-512.png", optimize=True)
    # iOS rounds the corners itself and shows transparency as black: a full square.
    draw(180, rounded=False).save(OUT / "apple-touch-icon.png", optimize=True)
    draw(96, mono=True).save(OUT / "badge-96.png", optimize=True)


if __name__ == "__main__":
    main()
