"""The demo's photos: scenes of ward life (a street of tube houses and trees,
a street lined with flags on a festival day, a market, a meeting hall, a
militia drill, the river bank), drawn with Pillow so that the demo site looks
like a ward's and no photograph has to be shipped or licensed.

Each scene is built as a photo is seen: a sky that pales towards the
horizon, things in perspective that shrink towards a vanishing point, then
a lens's softness, a light falling off at the edges and a sensor's grain.
A scene and its seed always give the same picture; each takes some tens of
milliseconds, so `make run` stays quick.
"""

import io
import math
import random
from collections.abc import Callable

from django.core.files.base import ContentFile
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from .demo_drawing import (
    FACADES,
    FLAG_RED,
    HEIGHT,
    SIGNS,
    STAR_YELLOW,
    WIDTH,
    along,
    clouds,
    crowd,
    facade_point,
    flag,
    person,
    sky,
    tree,
)


def _street(image, rng, *, flags=False, bunting=False, people=12, trees=6):
    """A street of tube houses going away to a vanishing point."""
    horizon = 300
    vx, vy = WIDTH * rng.uniform(0.45, 0.55), horizon
    sky(image, horizon + 10)
    clouds(image, rng, horizon)
    draw = ImageDraw.Draw(image)
    # Road, then a pavement each side.
    draw.polygon(
        [(0, HEIGHT), (WIDTH, HEIGHT), (vx + 6, vy), (vx - 6, vy)], fill=(96, 98, 104)
    )
    draw.polygon(
        [(0, 560), (170, HEIGHT), (vx - 6, vy), (vx - 10, vy)], fill=(170, 160, 150)
    )
    draw.polygon(
        [(WIDTH, 560), (WIDTH - 170, HEIGHT), (vx + 6, vy), (vx + 10, vy)],
        fill=(170, 160, 150),
    )
    draw.line([(vx, vy + 4), (vx, HEIGHT)], fill=(225, 225, 215), width=3)
    # Houses: fronts between a roof line and a ground line meeting at the
    # vanishing point, narrower and lower as they go away.
    for side in (-1, 1):
        near_x = 0 if side < 0 else WIDTH
        t = 0.0
        while t < 0.93:
            width = rng.uniform(0.09, 0.16) * (1 - t * 0.6)
            t2 = min(0.95, t + width)
            roof = rng.uniform(-80, 60)
            ground_near, roof_near = (near_x, 590), (near_x, roof)
            a_ground = along(ground_near, (vx, vy), t)
            b_ground = along(ground_near, (vx, vy), t2)
            a_roof = along(roof_near, (vx, vy - 30), t)
            b_roof = along(roof_near, (vx, vy - 30), t2)
            colour = rng.choice(FACADES)
            draw.polygon([a_roof, b_roof, b_ground, a_ground], fill=colour)
            shade = tuple(int(c * 0.82) for c in colour)
            draw.line([a_roof, a_ground], fill=shade, width=2)
            # Windows and a balcony rail, floor by floor.
            floors = rng.randint(3, 5)
            for floor in range(1, floors):
                f = floor / floors
                f2 = f + 0.45 / floors
                for u, u2 in ((0.2, 0.45), (0.55, 0.8)):
                    quad = [
                        facade_point(a_roof, a_ground, b_roof, b_ground, u, f),
                        facade_point(a_roof, a_ground, b_roof, b_ground, u2, f),
                        facade_point(a_roof, a_ground, b_roof, b_ground, u2, f2),
                        facade_point(a_roof, a_ground, b_roof, b_ground, u, f2),
                    ]
                    draw.polygon(
                        quad,
                        fill=rng.choice([(60, 70, 80), (110, 140, 160), (80, 60, 45)]),
                    )
            # The shop at street level, its sign over the door.
            sign = [
                facade_point(a_roof, a_ground, b_roof, b_ground, 0.05, 0.74),
                facade_point(a_roof, a_ground, b_roof, b_ground, 0.95, 0.74),
                facade_point(a_roof, a_ground, b_roof, b_ground, 0.95, 0.8),
                facade_point(a_roof, a_ground, b_roof, b_ground, 0.05, 0.8),
            ]
            draw.polygon(sign, fill=rng.choice(SIGNS))
            door = [
                facade_point(a_roof, a_ground, b_roof, b_ground, 0.15, 0.82),
                facade_point(a_roof, a_ground, b_roof, b_ground, 0.85, 0.82),
                facade_point(a_roof, a_ground, b_roof, b_ground, 0.85, 1.0),
                facade_point(a_roof, a_ground, b_roof, b_ground, 0.15, 1.0),
            ]
            draw.polygon(door, fill=(58, 52, 48))
            if flags and rng.random() < 0.8:
                foot = facade_point(a_roof, a_ground, b_roof, b_ground, 0.5, 0.7)
                flag(draw, foot[0], foot[1], max(12, (1 - t) * 110))
            t = t2
    if bunting:
        for n in range(3):
            y_near, t_far = 40 + n * 60, 0.5 + n * 0.12
            left, right = (0, y_near), (WIDTH, y_near)
            a, b = (
                along(left, (vx, vy - 60), t_far * 0.4),
                along(right, (vx, vy - 60), t_far * 0.4),
            )
            steps = 18
            for k in range(steps):
                p = along(a, b, k / steps)
                q = along(a, b, (k + 1) / steps)
                sag = 18 * (1 - (2 * k / steps - 1) ** 2)
                p, q = (p[0], p[1] + sag), (q[0], q[1] + sag)
                mid = ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2 + 22)
                draw.polygon([p, q, mid], fill=FLAG_RED if k % 2 else STAR_YELLOW)
    for n in range(trees):
        side = -1 if n % 2 else 1
        t = rng.uniform(0.05, 0.8)
        base = along((0 if side < 0 else WIDTH, 640), (vx, vy), t)
        tree(image, rng, base[0] + side * 30 * (1 - t), base[1], 330 * (1 - t) + 20)
    draw = ImageDraw.Draw(image)
    crowd(draw, rng, people, (vx, vy))


def _market(image, rng):
    """Stalls under striped awnings, fruit and greens piled on them."""
    sky(image, 230, top=(120, 165, 210))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 230, WIDTH, HEIGHT), fill=(150, 140, 128))
    # Houses behind the stalls.
    x = 0
    while x < WIDTH:
        w = rng.randint(110, 180)
        top = rng.randint(40, 140)
        colour = rng.choice(FACADES)
        draw.rectangle((x, top, x + w, 330), fill=colour)
        for wy in range(top + 30, 300, 60):
            draw.rectangle((x + 20, wy, x + w - 20, wy + 28), fill=(90, 100, 110))
        x += w
    # Two rows of stalls, the far one smaller.
    for row, (y, scale) in enumerate(((330, 0.7), (430, 1.0))):
        x = -rng.randint(0, 60)
        while x < WIDTH:
            w = int(rng.randint(170, 230) * scale)
            stripes = rng.choice(
                [
                    (FLAG_RED, (250, 250, 250)),
                    ((30, 90, 170), (245, 245, 245)),
                    ((40, 130, 80), (240, 230, 200)),
                ]
            )
            for k in range(8):
                draw.polygon(
                    [
                        (x + k * w / 8, y),
                        (x + (k + 1) * w / 8, y),
                        (x + (k + 1) * w / 8 + 10 * scale, y + 50 * scale),
                        (x + k * w / 8 + 10 * scale, y + 50 * scale),
                    ],
                    fill=stripes[k % 2],
                )
            table = y + 130 * scale
            draw.rectangle(
                (x + 10, y + 50 * scale, x + 14, table + 40 * scale), fill=(80, 70, 60)
            )
            draw.rectangle(
                (x + 5, table, x + w - 5, table + 40 * scale), fill=(120, 90, 60)
            )
            for _ in range(int(40 * scale)):
                cx = rng.uniform(x + 15, x + w - 15)
                cy = table - rng.uniform(0, 22 * scale)
                r = rng.uniform(6, 11) * scale
                fruit = rng.choice(
                    [
                        (240, 140, 30),
                        (210, 40, 40),
                        (90, 160, 60),
                        (250, 210, 60),
                        (120, 60, 120),
                        (60, 120, 50),
                    ]
                )
                draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fruit)
            if row == 1 and rng.random() < 0.6:
                # A QR code stand: the article is about paying by phone.
                qx, qy = x + w - 60, table - 70
                draw.rectangle((qx, qy, qx + 44, qy + 56), fill=(250, 250, 250))
                for i in range(5):
                    for j in range(5):
                        if rng.random() < 0.5:
                            draw.rectangle(
                                (
                                    qx + 4 + i * 7,
                                    qy + 6 + j * 7,
                                    qx + 10 + i * 7,
                                    qy + 12 + j * 7,
                                ),
                                fill=(20, 20, 20),
                            )
            x += w + int(20 * scale)
    crowd(draw, rng, 10, (WIDTH / 2, 300))


def _hall(image, rng):
    """A meeting hall: the stage with its banner and flags, rows of
    delegates seen from the back of the room."""
    draw = ImageDraw.Draw(image)
    wall = (236, 228, 214)
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=wall)
    # Side walls and the floor, in perspective.
    draw.polygon([(0, 0), (200, 90), (200, 420), (0, HEIGHT)], fill=(214, 204, 188))
    draw.polygon(
        [(WIDTH, 0), (WIDTH - 200, 90), (WIDTH - 200, 420), (WIDTH, HEIGHT)],
        fill=(214, 204, 188),
    )
    for wx in (40, 120):
        draw.polygon(
            [(wx, 120 + wx // 3), (wx + 50, 140 + wx // 3), (wx + 50, 360), (wx, 380)],
            fill=(200, 222, 236),
        )
        draw.polygon(
            [
                (WIDTH - wx, 120 + wx // 3),
                (WIDTH - wx - 50, 140 + wx // 3),
                (WIDTH - wx - 50, 360),
                (WIDTH - wx, 380),
            ],
            fill=(200, 222, 236),
        )
    draw.polygon(
        [(0, HEIGHT), (200, 420), (WIDTH - 200, 420), (WIDTH, HEIGHT)],
        fill=(150, 110, 80),
    )
    # The stage: a red back cloth with the banner's lines of text, the flags.
    draw.rectangle((200, 90, WIDTH - 200, 420), fill=(175, 30, 34))
    for k in range(12):
        x = 200 + k * (WIDTH - 400) / 12
        draw.line([(x, 90), (x, 420)], fill=(150, 22, 28), width=3)
    draw.rectangle((300, 120, WIDTH - 300, 190), fill=(190, 36, 38))
    for line, (y, margin) in enumerate(((132, 330), (160, 380))):
        x = margin
        while x < WIDTH - margin:
            w = rng.randint(18, 46)
            draw.rectangle(
                (x, y, min(x + w, WIDTH - margin), y + 16 - line * 2),
                fill=(255, 220, 80),
            )
            x += w + 10
    flag(draw, 260, 400, 230)
    draw.rectangle(
        (WIDTH / 2 - 50, 215, WIDTH / 2 + 50, 325), fill=(210, 180, 90)
    )  # The bust's plinth.
    draw.ellipse((WIDTH / 2 - 30, 200, WIDTH / 2 + 30, 260), fill=(235, 210, 140))
    draw.rectangle(
        (380, 330, WIDTH - 380, 400), fill=(245, 245, 245)
    )  # The presidium's table.
    for k in range(7):
        person(draw, rng, 410 + k * 63, 360, 70, shirt=(250, 250, 250))
    draw.rectangle((380, 345, WIDTH - 380, 420), fill=(30, 90, 160))
    # Rows of delegates from behind, the nearer rows bigger.
    for row in range(6):
        t = row / 6
        y = 440 + t * t * 240 + row * 12
        size = 42 + row * 18
        draw.rectangle(
            (220 - row * 40, y + size * 0.5, WIDTH - 220 + row * 40, y + size * 0.9),
            fill=(168, 124, 84),
        )
        x = 240 - row * 40
        while x < WIDTH - 240 + row * 40:
            shirt = rng.choice(
                [(250, 250, 250), (235, 235, 240), (40, 90, 170), (200, 45, 45)]
            )
            draw.rounded_rectangle(
                (x - size * 0.35, y + size * 0.15, x + size * 0.35, y + size * 0.7),
                radius=size / 6,
                fill=shirt,
            )
            draw.ellipse(
                (x - size * 0.18, y - size * 0.2, x + size * 0.18, y + size * 0.22),
                fill=rng.choice([(25, 22, 20), (40, 35, 30), (60, 55, 50)]),
            )
            x += size * rng.uniform(0.85, 1.05)


def _drill(image, rng):
    """A militia drill in the yard before the ward's offices: ranks in
    green, the flag on its pole, trees either side."""
    horizon = 330
    sky(image, horizon)
    clouds(image, rng, horizon)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, horizon, WIDTH, HEIGHT), fill=(176, 168, 150))
    # The offices: a yellow building with white columns and a red roof.
    draw.rectangle((250, 170, WIDTH - 250, horizon + 20), fill=(238, 205, 110))
    draw.polygon([(230, 175), (WIDTH / 2, 110), (WIDTH - 230, 175)], fill=(170, 60, 40))
    for k in range(9):
        x = 290 + k * (WIDTH - 580) / 8
        draw.rectangle((x - 8, 190, x + 8, horizon + 20), fill=(250, 246, 236))
    for k in range(8):
        x = 300 + k * (WIDTH - 600) / 8 + 30
        draw.rectangle((x, 215, x + 40, 260), fill=(110, 130, 140))
    flag(draw, WIDTH / 2 - 2, horizon + 60, 260)
    for x in (80, 170, WIDTH - 170, WIDTH - 80):
        tree(image, rng, x, horizon + 90, rng.randint(260, 320))
    draw = ImageDraw.Draw(image)
    green = [(78, 96, 52), (84, 102, 58), (72, 90, 48)]
    # Ranks of militia, facing the flag: far ranks first.
    for rank in range(5):
        foot = horizon + 110 + rank * 55
        height = 90 + rank * 22
        count = 14 - rank
        span = WIDTH * (0.55 + rank * 0.08)
        for k in range(count):
            x = WIDTH / 2 - span / 2 + span * k / (count - 1) + rng.uniform(-4, 4)
            person(
                draw, rng, x, foot, height, shirt=rng.choice(green), hat=(70, 88, 46)
            )


def _riverside(image, rng):
    """The river bank: a long bridge in the haze, the wide river, people
    clearing the bank under the trees."""
    horizon = 270
    sky(image, horizon, top=(120, 160, 205), bottom=(226, 226, 220))
    clouds(image, rng, horizon)
    draw = ImageDraw.Draw(image)
    # The far bank and the bridge's trusses.
    draw.rectangle((0, horizon - 14, WIDTH, horizon + 6), fill=(128, 140, 120))
    draw.rectangle((0, horizon - 40, WIDTH, horizon - 34), fill=(96, 100, 104))
    for k in range(0, WIDTH, 60):
        draw.line(
            [(k, horizon - 34), (k + 30, horizon - 62), (k + 60, horizon - 34)],
            fill=(96, 100, 104),
            width=3,
        )
        draw.line([(k, horizon - 34), (k, horizon + 6)], fill=(96, 100, 104), width=4)
    # The water: brown-red (the Red River), paler far off, with ripples.
    mask = Image.linear_gradient("L").resize((WIDTH, 200))
    water = Image.composite(
        Image.new("RGB", (WIDTH, 200), (150, 110, 80)),
        Image.new("RGB", (WIDTH, 200), (190, 170, 150)),
        mask,
    )
    image.paste(water, (0, horizon + 6))
    draw = ImageDraw.Draw(image)
    for _ in range(90):
        y = rng.uniform(horizon + 10, horizon + 200)
        x = rng.uniform(0, WIDTH)
        w = 20 + (y - horizon) * 0.5
        draw.line([(x, y), (x + w, y)], fill=(205, 185, 160), width=1)
    # The near bank: grass, a path, trees, people at work.
    draw.polygon(
        [(0, 440), (WIDTH, 400), (WIDTH, HEIGHT), (0, HEIGHT)], fill=(96, 140, 70)
    )
    draw.polygon([(0, 560), (WIDTH, 520), (WIDTH, 580), (0, 620)], fill=(190, 175, 150))
    for x in rng.sample(range(60, WIDTH - 60, 90), 6):
        tree(image, rng, x, 470 - x * 0.03, rng.randint(220, 300))
    draw = ImageDraw.Draw(image)
    for _ in range(11):
        x = rng.uniform(40, WIDTH - 40)
        foot = rng.uniform(560, 660)
        person(
            draw,
            rng,
            x,
            foot,
            90 + (foot - 560) * 1.2,
            shirt=rng.choice([(40, 90, 170), (60, 140, 90), (245, 245, 245)]),
            hat=rng.choice([None, (235, 215, 150)]),
        )


SCENES: dict[str, tuple[Callable, str]] = {
    "street": (
        lambda image, rng: _street(image, rng, people=6, trees=8),
        "phố có những dãy nhà ống và hàng cây xanh, người dân đi lại",
    ),
    "festival": (
        lambda image, rng: _street(
            image, rng, flags=True, bunting=True, people=26, trees=4
        ),
        "phố treo cờ đỏ sao vàng, dây cờ giăng ngang, đông người dự ngày hội",
    ),
    "green-sunday": (
        lambda image, rng: _street(image, rng, people=16, trees=12),
        "đoàn viên thanh niên dọn vệ sinh trên phố rợp bóng cây",
    ),
    "market": (_market, "chợ dân sinh với các sạp hàng mái bạt, hoa quả và rau xanh"),
    "hall": (_hall, "hội trường với sân khấu phông đỏ, cờ và các đại biểu ngồi dự họp"),
    "drill": (
        _drill,
        "dân quân mặc quân phục xếp hàng trên sân trụ sở phường, cờ đỏ sao vàng",
    ),
    "riverside": (
        _riverside,
        "bờ sông với cây cầu phía xa, người dân dọn vệ sinh dưới hàng cây",
    ),
}


# Where each scene's far distance is: the haze is thickest there.
HORIZONS = {"market": 330, "hall": None, "drill": 330, "riverside": 270}
STREET_HORIZON = 300


def demo_picture(scene: str, seed: int = 0) -> tuple[ContentFile, str]:
    """A 1200x675 JPEG of the scene, and its description for the alt text."""
    draw_scene, description = SCENES[scene]
    rng = random.Random(f"{scene}-{seed}")
    image = Image.new("RGB", (WIDTH, HEIGHT), (200, 200, 200))
    draw_scene(image, rng)
    image = _as_photographed(image, HORIZONS.get(scene, STREET_HORIZON))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return ContentFile(buffer.getvalue()), f"Ảnh minh họa: {description}"


def _as_photographed(image, horizon):
    """Air that pales what is far (out of doors: a `horizon`), sunlight
    from the left, a lens's softness, light falling off at the edges, a
    sensor's grain."""
    if horizon is not None:
        haze = Image.new("L", (1, HEIGHT))
        haze.putdata(
            [int(110 * math.exp(-(((y - horizon) / 70) ** 2))) for y in range(HEIGHT)]
        )
        image = Image.composite(
            Image.new("RGB", image.size, (222, 228, 234)),
            image,
            haze.resize(image.size),
        )
    light = Image.linear_gradient("L").rotate(90).resize(image.size)
    warm, cool = (
        Image.new("RGB", image.size, (255, 246, 228)),
        Image.new("RGB", image.size, (206, 212, 224)),
    )
    image = ImageChops.multiply(image, Image.composite(cool, warm, light))
    image = image.filter(ImageFilter.GaussianBlur(1.1))
    falloff = Image.radial_gradient("L").resize((WIDTH, int(HEIGHT * 1.5)))
    falloff = falloff.crop((0, int(HEIGHT * 0.25), WIDTH, int(HEIGHT * 1.25)))
    dark = Image.new("RGB", image.size, (20, 18, 16))
    image = Image.composite(dark, image, falloff.point(lambda v: max(0, v - 150) * 0.9))
    # Grain a little coarser than a pixel, as a phone's camera gives it.
    half = (WIDTH // 2, HEIGHT // 2)
    grain = Image.effect_noise(half, 7).convert("RGB").resize(image.size)
    return ImageChops.add(image, grain, scale=1.0, offset=-128)
