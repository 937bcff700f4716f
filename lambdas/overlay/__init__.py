"""The overlay Lambda: draws recognised people's names over their faces and blurs unrecognised faces.

It reads the downloaded photo and Rekognition's RecognizeCelebrities result, renders with Pillow, and
writes a new JPEG under `annotated/`; the original object is never touched.
"""
