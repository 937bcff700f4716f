"""Drawing on the upright photo: blurred unknown faces, and each known face framed and named.

Labels must be readable on any background, so the name is white with a dark outline on a dark,
padded box; the font size follows the image (and the face) so a label is legible on a 4000 px photo
and still fits on a 300 px one. The font is the scalable one Pillow ships, so nothing depends on the
fonts installed on the machine.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from lambdas.overlay.faces import Box, Face

FRAME_COLOUR = (255, 214, 0)
LABEL_BACKGROUND = (20, 20, 20)
TEXT_COLOUR = (255, 255, 255)
TEXT_OUTLINE = (0, 0, 0)
MIN_FONT_PX = 12
MAX_FONT_PX = 120


def upright_rgb(image: Image.Image) -> Image.Image:
    """The image as displayed (EXIF orientation applied), in RGB; transparency flattened onto white.

    `image` is turned in place, and returned itself when it is already RGB: a 4096x3072 photo is not
    copied twice (for the orientation, then for the mode) before it is drawn on.
    """
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def blur_faces(image: Image.Image, faces: Sequence[Face]) -> None:
    """Blur each face's rectangle in place, strongly enough that it cannot be recognised."""
    for face in faces:
        box = face.box.as_tuple()
        radius = max(3.0, min(face.box.width, face.box.height) / 5)
        image.paste(image.crop(box).filter(ImageFilter.GaussianBlur(radius)), box)


def font_size(image: Image.Image, box: Box) -> int:
    """About 4% of the shorter side, larger for large faces, within readable bounds."""
    size = max(min(image.size) * 0.04, box.width * 0.18)
    return int(min(MAX_FONT_PX, max(MIN_FONT_PX, round(size))))


def label_faces(image: Image.Image, faces: Sequence[Face]) -> None:
    """Frame each named face and write its name just above it (below, or inside, when there is no room)."""
    draw = ImageDraw.Draw(image)
    for face in faces:
        if not face.name:
            continue
        size = font_size(image, face.box)
        font = ImageFont.load_default(size=size)
        frame = max(2, size // 10)
        # Pillow's rectangle includes its end corner; the box's right and bottom are exclusive.
        box = face.box
        draw.rectangle((box.left, box.top, box.right - 1, box.bottom - 1), outline=FRAME_COLOUR, width=frame)
        stroke = max(1, size // 12)
        padding = max(2, size // 5)
        left, top, right, bottom = draw.textbbox((0, 0), face.name, font=font, stroke_width=stroke)
        label_width = right - left + 2 * padding
        label_height = bottom - top + 2 * padding
        x = _clamp(face.box.left + (face.box.width - label_width) // 2, 0, image.width - label_width)
        if face.box.top - label_height >= 0:
            y = face.box.top - label_height
        elif face.box.bottom + label_height <= image.height:
            y = face.box.bottom
        else:
            y = face.box.top
        draw.rectangle((x, y, x + label_width - 1, y + label_height - 1), fill=LABEL_BACKGROUND)
        draw.text(
            (x + padding - left, y + padding - top),
            face.name,
            font=font,
            fill=TEXT_COLOUR,
            stroke_width=stroke,
            stroke_fill=TEXT_OUTLINE,
        )


def _clamp(value: float, lowest: float, highest: float) -> int:
    return int(max(lowest, min(value, max(lowest, highest))))
