"""Faces with dlib: HOG detector, 68-point landmarks, and the 128-d ResNet face embedding.

What is measured and what is estimated:

* BoundingBox and Landmarks come from the models; Confidence is the HOG detector's score passed through a
  logistic curve (score 0 → 82, 1 → 99); faces scoring below DETECTION_THRESHOLD are not reported.
* Pose (roll, yaw, pitch) is estimated from landmark geometry (eye line angle, nose offset from the eyes'
  midpoint, nose height between eyes and mouth): a rough guide, a few degrees to tens of degrees off.
* Quality: Brightness is the face's mean luminance (0-100); Sharpness the variance of its Laplacian,
  mapped to 0-100.
* Attributes "ALL" adds only what landmark geometry can say (EyesOpen, MouthOpen, Smile, thresholds set
  by hand). There is no age, gender, emotion, glasses or beard model, so those members are left out
  rather than guessed.
* "Left" and "right" in landmark names are as seen in the image (eyeLeft is the eye nearer x = 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from integrations.ai.lazy import lazy_model
from integrations.ai.vision.images import box, gray_quality, luminance, scaled
from integrations.ai.weights import verified_file

DETECTION_THRESHOLD = 0.3  # below this the HOG detector's hits were mostly badges and patterns, not faces
# The detector sees a bounded image: larger ones are scaled down first (HOG time grows with the pixel
# count), and boxes and landmarks are mapped back to the image's own pixels, so every answer, given as
# ratios of the image (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_BoundingBox.html),
# is the same whatever the photo's size. Its 80 px window then finds faces down to 1/15 of the longer
# side; Rekognition's documented floor is 40 px in a 1920x1080 image, 1/48
# (https://docs.aws.amazon.com/rekognition/latest/dg/limits.html), which HOG cannot afford on a CPU.
MAX_SIDE = 1200
# Smaller images are upsampled once, to find faces down to 40 px: this doubles each side, so it is most
# of a small photo's face-detection time (85 ms of CPU for a 512 px photo, 23 ms without), but a
# smaller bound missed the 30-50 px faces an unknown person's blur must not miss (benchmarks/ai.py).
SMALL_SIDE = 800

# Rekognition landmark → 68-point indices (the mean of several points where Rekognition names a centre).
LANDMARKS: dict[str, tuple[int, ...]] = {
    "eyeLeft": (36, 37, 38, 39, 40, 41),
    "eyeRight": (42, 43, 44, 45, 46, 47),
    "nose": (30,),
    "mouthLeft": (48,),
    "mouthRight": (54,),
    "leftEyeBrowLeft": (17,),
    "leftEyeBrowRight": (21,),
    "leftEyeBrowUp": (19,),
    "rightEyeBrowLeft": (22,),
    "rightEyeBrowRight": (26,),
    "rightEyeBrowUp": (24,),
    "leftEyeLeft": (36,),
    "leftEyeRight": (39,),
    "leftEyeUp": (37, 38),
    "leftEyeDown": (40, 41),
    "rightEyeLeft": (42,),
    "rightEyeRight": (45,),
    "rightEyeUp": (43, 44),
    "rightEyeDown": (46, 47),
    "noseLeft": (31,),
    "noseRight": (35,),
    "mouthUp": (51,),
    "mouthDown": (57,),
    "leftPupil": (36, 37, 38, 39, 40, 41),
    "rightPupil": (42, 43, 44, 45, 46, 47),
    "upperJawlineLeft": (0,),
    "midJawlineLeft": (4,),
    "chinBottom": (8,),
    "midJawlineRight": (12,),
    "upperJawlineRight": (16,),
}
DEFAULT_LANDMARKS = ("eyeLeft", "eyeRight", "mouthLeft", "mouthRight", "nose")


def _load_detector() -> tuple[Any, Any]:
    import dlib

    predictor = verified_file("face_recognition_models/models/shape_predictor_68_face_landmarks.dat")
    return dlib.get_frontal_face_detector(), dlib.shape_predictor(str(predictor))


def _load_recogniser() -> Any:
    import dlib

    resnet = verified_file("face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat")
    return dlib.face_recognition_model_v1(str(resnet))


# Two models, two locks (neither dlib object may be used by two threads at once, but they do not share
# state): one photo's faces can be found while another's are embedded. dlib's bindings keep the
# interpreter lock while they run (py-spy --gil finds them holding it), so this spares a wait on the
# model's lock, not on the interpreter's.
DLIB_FACES = lazy_model("dlib-faces", _load_detector)
DLIB_EMBEDDING = lazy_model("dlib-face-embedding", _load_recogniser)


@dataclass(frozen=True)
class Face:
    """One detected face in full-image pixel coordinates."""

    edges: tuple[float, float, float, float]  # left, top, right, bottom
    score: float
    points: np.ndarray  # 68 x 2 (x, y)
    shape: Any  # dlib.full_object_detection at the detection scale, for the embedding
    # The image the detector saw (shared by every face of one image), so an embedding needs no resize.
    seen: np.ndarray = field(repr=False, compare=False)

    @property
    def confidence(self) -> float:
        return 100.0 / (1.0 + math.exp(-4.0 * (self.score + 0.375)))


def detect(pixels: np.ndarray) -> list[Face]:
    """Faces in an RGB image, most confident first."""
    height, width = pixels.shape[:2]
    work = scaled(pixels, MAX_SIDE)
    scale_x, scale_y = work.shape[1] / width, work.shape[0] / height
    upsample = 1 if max(work.shape[:2]) < SMALL_SIDE else 0
    faces = []
    with DLIB_FACES.exclusive() as (detector, predictor):
        rects, scores, _kinds = detector.run(work, upsample, DETECTION_THRESHOLD)
        for rect, score in zip(rects, scores, strict=True):
            shape = predictor(work, rect)
            points = np.array([[part.x, part.y] for part in shape.parts()], dtype=float) / (scale_x, scale_y)
            left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
            edges = (left / scale_x, top / scale_y, right / scale_x, bottom / scale_y)
            faces.append(Face(edges, float(score), points, shape, work))
    return sorted(faces, key=lambda face: face.score, reverse=True)


def embedding(face: Face) -> np.ndarray:
    """dlib's 128-d face descriptor; two photos of one person are usually closer than 0.6 apart."""
    with DLIB_EMBEDDING.exclusive() as recogniser:
        return np.array(recogniser.compute_face_descriptor(face.seen, face.shape), dtype=float)


def _point(face: Face, name: str) -> np.ndarray:
    return face.points[list(LANDMARKS[name])].mean(axis=0)


def landmarks(face: Face, size: tuple[int, int], names: tuple[str, ...]) -> list[dict[str, Any]]:
    width, height = size
    return [
        {"Type": name, "X": float(x) / width, "Y": float(y) / height}
        for name in names
        for x, y in [_point(face, name)]
    ]


def pose(face: Face) -> dict[str, float]:
    left, right = _point(face, "eyeLeft"), _point(face, "eyeRight")
    nose = _point(face, "nose")
    mouth = (_point(face, "mouthLeft") + _point(face, "mouthRight")) / 2
    roll = math.degrees(math.atan2(right[1] - left[1], right[0] - left[0]))
    eye_distance = float(np.linalg.norm(right - left)) or 1.0
    # Undo the roll, then read yaw from the nose's sideways offset and pitch from its height.
    angle = -math.radians(roll)
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    middle = (left + right) / 2
    nose_offset = rotation @ (nose - middle)
    mouth_offset = rotation @ (mouth - middle)
    yaw = math.degrees(math.asin(max(-1.0, min(1.0, 1.6 * nose_offset[0] / eye_distance))))
    height_ratio = nose_offset[1] / mouth_offset[1] if mouth_offset[1] > 0 else 0.6
    pitch = max(-90.0, min(90.0, (0.6 - height_ratio) * 180.0))
    return {"Roll": roll, "Yaw": yaw, "Pitch": pitch}


def quality(pixels: np.ndarray, face: Face) -> dict[str, float]:
    left, top, right, bottom = (round(value) for value in face.edges)
    crop = pixels[max(0, top) : max(0, bottom), max(0, left) : max(0, right)]
    return gray_quality(luminance(crop))


def _distance(face: Face, first: int, second: int) -> float:
    return float(np.linalg.norm(face.points[first] - face.points[second]))


def _verdict(measure: float, threshold: float, spread: float) -> dict[str, Any]:
    """A yes/no attribute with a confidence that grows with the distance from the threshold."""
    return {
        "Value": bool(measure > threshold),
        "Confidence": float(min(99.0, 50.0 + 50.0 * abs(measure - threshold) / spread)),
    }


def geometric_attributes(face: Face) -> dict[str, Any]:
    eye_ratio = (
        _distance(face, 37, 41) + _distance(face, 38, 40) + _distance(face, 43, 47) + _distance(face, 44, 46)
    ) / (2 * (_distance(face, 36, 39) + _distance(face, 42, 45)) or 1.0)
    mouth_width = _distance(face, 48, 54) or 1.0
    mouth_gap = _distance(face, 62, 66) / mouth_width
    lips_centre = (face.points[51][1] + face.points[57][1]) / 2
    corner_lift = (lips_centre - (face.points[48][1] + face.points[54][1]) / 2) / mouth_width
    face_width = _distance(face, 0, 16) or 1.0
    smile_measure = corner_lift + (mouth_width / face_width - 0.38)
    return {
        "EyesOpen": _verdict(eye_ratio, 0.2, 0.1),
        "MouthOpen": _verdict(mouth_gap, 0.1, 0.15),
        "Smile": _verdict(smile_measure, 0.05, 0.1),
    }


def compared_face(pixels: np.ndarray, face: Face) -> dict[str, Any]:
    """Rekognition's ComparedFace (used by RecognizeCelebrities and the face-search operations)."""
    size = (int(pixels.shape[1]), int(pixels.shape[0]))
    return {
        "BoundingBox": box(face.edges, size),
        "Confidence": face.confidence,
        "Landmarks": landmarks(face, size, DEFAULT_LANDMARKS),
        "Pose": pose(face),
        "Quality": quality(pixels, face),
        "Smile": geometric_attributes(face)["Smile"],
    }


def face_detail(pixels: np.ndarray, face: Face, *, all_attributes: bool) -> dict[str, Any]:
    """Rekognition's FaceDetail for DetectFaces (Attributes DEFAULT or ALL)."""
    size = (int(pixels.shape[1]), int(pixels.shape[0]))
    detail: dict[str, Any] = {
        "BoundingBox": box(face.edges, size),
        "Landmarks": landmarks(face, size, tuple(LANDMARKS) if all_attributes else DEFAULT_LANDMARKS),
        "Pose": pose(face),
        "Quality": quality(pixels, face),
        "Confidence": face.confidence,
    }
    if all_attributes:
        detail.update(geometric_attributes(face))
    return detail
