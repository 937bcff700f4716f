"""Which ImageNet-1k classes make which Rekognition-style label, with its parents and category.

ImageNet's 1000 classes are too fine (118 dog breeds) and too odd (a "bolo tie") to be Rekognition
labels. Each label here gathers a set of ImageNet class indices (in the standard order: 0 tench …
999 toilet tissue); its confidence is the summed probability of those classes. Only groups this
project's photos are likely to show are listed; anything else the classifier sees goes unreported
rather than named wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelGroup:
    name: str
    parents: tuple[str, ...]
    category: str
    classes: frozenset[int]


def _span(*parts: int | tuple[int, int]) -> frozenset[int]:
    indices: set[int] = set()
    for part in parts:
        if isinstance(part, tuple):
            indices.update(range(part[0], part[1] + 1))
        else:
            indices.add(part)
    return frozenset(indices)


ANIMALS = "Animals and Pets"
FOOD = "Food and Beverage"
VEHICLES = "Vehicles and Automotive"
TECH = "Technology and Computing"
NATURE = "Nature and Outdoors"
SPORT = "Sports"
BUILDINGS = "Buildings and Architecture"

GROUPS: tuple[LabelGroup, ...] = (
    LabelGroup("Dog", ("Pet", "Canine", "Mammal", "Animal"), ANIMALS, _span((151, 268))),
    LabelGroup("Cat", ("Pet", "Mammal", "Animal"), ANIMALS, _span((281, 285))),
    LabelGroup("Big Cat", ("Wildlife", "Mammal", "Animal"), ANIMALS, _span((286, 293))),
    LabelGroup("Wolf", ("Canine", "Wildlife", "Mammal", "Animal"), ANIMALS, _span((269, 280))),
    LabelGroup("Bear", ("Wildlife", "Mammal", "Animal"), ANIMALS, _span((294, 297), 387, 388)),
    LabelGroup("Bird", ("Animal",), ANIMALS, _span((7, 24), (80, 100), (127, 146))),
    LabelGroup("Fish", ("Sea Life", "Animal"), ANIMALS, _span((0, 6), (389, 397))),
    LabelGroup("Reptile", ("Animal",), ANIMALS, _span((33, 68))),
    LabelGroup("Insect", ("Invertebrate", "Animal"), ANIMALS, _span((300, 326))),
    LabelGroup("Rabbit", ("Rodent", "Mammal", "Animal"), ANIMALS, _span((330, 332))),
    LabelGroup("Horse", ("Mammal", "Animal"), ANIMALS, _span(339, 603)),
    LabelGroup("Cattle", ("Livestock", "Mammal", "Animal"), ANIMALS, _span(345, 346, 347)),
    LabelGroup("Elephant", ("Wildlife", "Mammal", "Animal"), ANIMALS, _span(101, 385, 386)),
    LabelGroup("Monkey", ("Wildlife", "Mammal", "Animal"), ANIMALS, _span((365, 384))),
    LabelGroup("Whale", ("Sea Life", "Mammal", "Animal"), ANIMALS, _span(147, 148)),
    LabelGroup(
        "Car",
        ("Vehicle", "Transportation"),
        VEHICLES,
        _span(407, 436, 468, 511, 609, 627, 656, 717, 751, 817),
    ),
    LabelGroup("Motorcycle", ("Vehicle", "Transportation"), VEHICLES, _span(665, 670)),
    LabelGroup("Bicycle", ("Vehicle", "Transportation"), VEHICLES, _span(444, 671, 870)),
    LabelGroup("Bus", ("Vehicle", "Transportation"), VEHICLES, _span(654, 779, 874)),
    LabelGroup("Truck", ("Vehicle", "Transportation"), VEHICLES, _span(555, 569, 675, 864, 867)),
    LabelGroup("Train", ("Vehicle", "Transportation"), VEHICLES, _span(466, 547, 565, 705, 820, 829)),
    LabelGroup("Airplane", ("Aircraft", "Vehicle", "Transportation"), VEHICLES, _span(404, 895)),
    LabelGroup(
        "Boat",
        ("Watercraft", "Vehicle", "Transportation"),
        VEHICLES,
        _span(403, 472, 484, 510, 554, 576, 625, 628, 780, 814, 871, 914),
    ),
    LabelGroup("Rocket", (), VEHICLES, _span(657, 744, 812)),
    LabelGroup("Coffee", ("Beverage",), FOOD, _span(967)),
    LabelGroup("Cup", ("Tableware",), FOOD, _span(504, 968)),
    LabelGroup("Wine", ("Alcohol", "Beverage"), FOOD, _span(907, 966)),
    LabelGroup("Beer", ("Alcohol", "Beverage"), FOOD, _span(440, 441)),
    LabelGroup("Pizza", ("Food",), FOOD, _span(963)),
    LabelGroup("Burger", ("Food",), FOOD, _span(933)),
    LabelGroup("Dessert", ("Food",), FOOD, _span(927, 928, 929)),
    LabelGroup("Bread", ("Food",), FOOD, _span(930, 931, 932)),
    LabelGroup("Vegetable", ("Produce", "Food"), FOOD, _span((936, 947))),
    LabelGroup("Fruit", ("Produce", "Food"), FOOD, _span((948, 957))),
    LabelGroup("Meal", ("Food",), FOOD, _span(924, 925, 926, 934, 935, 959, 962, 964, 965)),
    LabelGroup("Mobile Phone", ("Phone", "Electronics"), TECH, _span(487)),
    LabelGroup("Computer", ("Electronics",), TECH, _span(508, 527, 590, 620, 681)),
    # ImageNet's "web site" (916) is left out: it fires on any photo of printed text.
    LabelGroup("Screen", ("Electronics",), TECH, _span(664, 782, 851)),
    LabelGroup("Camera", ("Electronics",), TECH, _span(732, 759)),
    LabelGroup("Tripod", (), TECH, _span(872)),
    LabelGroup("Mountain", ("Nature", "Outdoors"), NATURE, _span(970, 979, 980)),
    LabelGroup("Beach", ("Shoreline", "Nature", "Outdoors"), NATURE, _span(977, 978)),
    LabelGroup("Lake", ("Water", "Nature", "Outdoors"), NATURE, _span(975)),
    LabelGroup("Cliff", ("Nature", "Outdoors"), NATURE, _span(972, 976)),
    LabelGroup("Flower", ("Plant",), NATURE, _span(985, 986)),
    LabelGroup("Fungus", ("Plant",), NATURE, _span((991, 997))),
    LabelGroup("Ball", ("Sport",), SPORT, _span(429, 430, 522, 574, 722, 768, 805, 852, 890)),
    LabelGroup("Building", ("Architecture",), BUILDINGS, _span(425, 483, 497, 498, 663, 668, 698)),
    LabelGroup("Bridge", ("Architecture",), BUILDINGS, _span(821, 839, 888)),
    LabelGroup("Book", (), "Text and Documents", _span(453, 454, 624, 917, 921)),
    LabelGroup("Sign", ("Symbol",), "Text and Documents", _span(919)),
    LabelGroup("Traffic Light", ("Light",), VEHICLES, _span(920)),
)
