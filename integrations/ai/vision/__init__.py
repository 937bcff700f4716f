"""Image models behind Rekognition: faces (dlib), text (RapidOCR), labels (EfficientNet-Lite0, detectors)."""
