"""
Images that editors upload through the Markdown editor.

The type is decided from the file's content with Pillow, never from its name or
the browser's content type, and only common web formats are kept (no SVG: it can
carry script). Size and pixel limits come from settings. Files are stored under
MEDIA_ROOT/<MARKDOWNX_MEDIA_PATH> with a random name (`secrets.token_urlsafe`), so
an upload's address cannot be guessed and one upload never replaces another.
"""

import secrets
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

# Pillow's format name -> the file extension we store it under.
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


def image_check(upload: UploadedFile) -> str:
    """The extension for `upload` when it is an image we accept; raises ValidationError otherwise."""
    max_bytes, max_pixels = settings.KB_UPLOAD_MAX_BYTES, settings.KB_UPLOAD_MAX_PIXELS
    if upload.size > max_bytes:
        raise ValidationError(
            f"The image is {filesizeformat(upload.size)}; images can be at most {filesizeformat(max_bytes)}.",
            code="too_large",
        )
    not_an_image = ValidationError(
        "This file is not an image we accept. Upload a PNG, JPEG, GIF or WebP image.", code="not_an_image"
    )
    upload.seek(0)
    try:
        # Pillow only warns about a decompression bomb; here it is a refusal like any other.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format, (width, height) = image.format, image.size
                if image_format not in IMAGE_FORMATS:
                    raise not_an_image
                if width * height > max_pixels:
                    raise ValidationError(
                        f"The image is {width} × {height} pixels; images can have at most "
                        f"{max_pixels:,} pixels. Make it smaller and upload it again.",
                        code="too_many_pixels",
                    )
                image.verify()  # reads the whole file: a truncated or corrupt image fails here
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError("The image has far too many pixels.", code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_an_image from None
    finally:
        upload.seek(0)
    return IMAGE_FORMATS[image_format]


def image_upload_store(*, upload: UploadedFile) -> str:
    """Check and store an uploaded image; returns its public URL. Raises ValidationError."""
    extension = image_check(upload)
    name = default_storage.save(f"{settings.MARKDOWNX_MEDIA_PATH}{secrets.token_urlsafe(18)}.{extension}", upload)
    return default_storage.url(name)
