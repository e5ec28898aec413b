"""What the demo's photos are drawn with (articles/demo_pictures.py): a
sky, clouds, the national flag, people, trees, and points in perspective.
Sizes are in pixels of a 1200x675 picture; `rng` is the scene's own
random.Random, so a scene is drawn the same every time."""

import math

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1200, 675

# Colours of Hà Nội streets: painted facades, shop signs, leaves, shirts.
FACADES = [
    (236, 201, 120),
    (240, 226, 190),
    (222, 160, 130),
    (190, 212, 220),
    (245, 240, 228),
    (214, 186, 160),
    (200, 220, 180),
]
SIGNS = [(190, 30, 35), (20, 80, 160), (230, 180, 30), (30, 120, 70)]
LEAVES = [(58, 110, 50), (74, 128, 60), (44, 92, 46), (92, 140, 70)]
SHIRTS = [
    (245, 245, 245),
    (40, 90, 170),
    (200, 45, 45),
    (240, 200, 60),
    (60, 140, 90),
    (120, 120, 130),
    (230, 140, 160),
]
FLAG_RED, STAR_YELLOW = (218, 37, 29), (255, 215, 0)


def sky(image, horizon, top=(92, 150, 214), bottom=(214, 228, 240)):
    """A sky darker overhead, paler at the horizon."""
    mask = Image.linear_gradient("L").resize((WIDTH, horizon))
    gradient = Image.composite(
        Image.new("RGB", (WIDTH, horizon), bottom),
        Image.new("RGB", (WIDTH, horizon), top),
        mask,
    )
    image.paste(gradient, (0, 0))


def clouds(image, rng, horizon):
    """Soft white clouds in the upper sky. Drawn at a quarter of the size:
    they are all blur, and blurring a small picture is quick."""
    quarter = (WIDTH // 4, HEIGHT // 4)
    layer = Image.new("L", quarter, 0)
    draw = ImageDraw.Draw(layer)
    for _ in range(rng.randint(3, 6)):
        x, y = rng.randint(0, WIDTH), rng.randint(20, max(40, horizon // 2))
        for _ in range(6):
            w, h = rng.randint(60, 160), rng.randint(25, 55)
            dx, dy = rng.randint(-80, 80), rng.randint(-15, 15)
            box = (x + dx, y + dy, x + dx + w, y + dy + h)
            draw.ellipse([v / 4 for v in box], fill=150)
    layer = layer.filter(ImageFilter.GaussianBlur(3.5)).resize(image.size)
    image.paste((250, 250, 252), (0, 0), layer)


def star(draw, cx, cy, r, fill):
    """The five-pointed star of the national flag."""
    points = []
    for n in range(10):
        radius = r if n % 2 == 0 else r * 0.382
        angle = -math.pi / 2 + n * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=fill)


def flag(draw, x, y, height):
    """A flag on a pole whose foot is at (x, y), `height` tall."""
    pole = max(1, height // 40)
    draw.rectangle((x, y - height, x + pole, y), fill=(90, 90, 90))
    w, h = height * 0.45, height * 0.3
    top = y - height
    draw.rectangle((x + pole, top, x + pole + w, top + h), fill=FLAG_RED)
    star(draw, x + pole + w / 2, top + h / 2, h * 0.32, STAR_YELLOW)


def person(draw, rng, x, foot, height, shirt=None, hat=None):
    """A person standing, seen from a little way off: legs, body, head."""
    shirt = shirt or rng.choice(SHIRTS)
    trousers = rng.choice([(40, 45, 60), (70, 70, 80), (30, 30, 35), (90, 80, 70)])
    w = height * 0.26
    head = height * 0.15
    draw.rectangle(
        (x - w * 0.4, foot - height * 0.45, x + w * 0.4, foot), fill=trousers
    )
    draw.rounded_rectangle(
        (x - w / 2, foot - height * 0.82, x + w / 2, foot - height * 0.42),
        radius=max(1, w / 4),
        fill=shirt,
    )
    skin = rng.choice([(224, 182, 150), (205, 160, 125), (190, 145, 110)])
    top = foot - height
    draw.ellipse((x - head / 2, top, x + head / 2, top + head), fill=skin)
    if hat:
        draw.ellipse(
            (x - head * 0.7, top - head * 0.15, x + head * 0.7, top + head * 0.35),
            fill=hat,
        )
    else:
        draw.chord(
            (x - head / 2, top, x + head / 2, top + head), 180, 360, fill=(25, 22, 20)
        )


def tree(image, rng, x, foot, height):
    """A street tree: a trunk and a crown of leaves in several greens, lit
    from the upper left. Drawn in a box of its own, then laid on the scene."""
    draw = ImageDraw.Draw(image)
    trunk = max(2, height // 18)
    draw.rectangle((x - trunk, foot - height * 0.5, x + trunk, foot), fill=(92, 70, 50))
    r = height * 0.32
    size = (int(r * 4), int(r * 3.4))
    left, top = int(x - size[0] / 2), int(foot - height * 0.68 - size[1] / 2)
    shape = Image.new("L", size, 0)
    leaves = Image.new("RGB", size, rng.choice(LEAVES))
    shape_draw, leaves_draw = ImageDraw.Draw(shape), ImageDraw.Draw(leaves)
    cx, cy = size[0] / 2, size[1] / 2
    for _ in range(14):
        dx, dy = rng.uniform(-r, r), rng.uniform(-r * 0.7, r * 0.5)
        rr = rng.uniform(r * 0.4, r * 0.75)
        box = (cx + dx - rr, cy + dy - rr, cx + dx + rr, cy + dy + rr)
        shape_draw.ellipse(box, fill=255)
        # Leaves facing the sun (upper left) lighter.
        green = rng.choice(LEAVES)
        lift = 1.25 if dx < 0 and dy < 0 else 1.0
        leaves_draw.ellipse(box, fill=tuple(min(255, int(c * lift)) for c in green))
    leaves = leaves.filter(ImageFilter.GaussianBlur(max(1, r / 12)))
    image.paste(leaves, (left, top), shape.filter(ImageFilter.GaussianBlur(1.5)))


def along(near, far, t):
    """The point a share `t` of the way from `near` to `far`."""
    return (near[0] + (far[0] - near[0]) * t, near[1] + (far[1] - near[1]) * t)


def facade_point(a_top, a_bottom, b_top, b_bottom, u, v):
    """A point on a facade: `u` across it, `v` down it."""
    top = along(a_top, b_top, u)
    bottom = along(a_bottom, b_bottom, u)
    return along(top, bottom, v)


def crowd(draw, rng, count, vanishing, shirts=None, hat=None):
    """People on the ground, the nearer bigger, drawn far to near."""
    vx, vy = vanishing
    people = []
    for _ in range(count):
        t = rng.uniform(0.05, 0.75)
        x = rng.uniform(60, WIDTH - 60)
        x = vx + (x - vx) * (1 - t)
        foot = HEIGHT - 20 - (HEIGHT - 20 - vy) * t
        people.append((foot, x, 190 * (1 - t)))
    for foot, x, height in sorted(people):
        shirt = rng.choice(shirts) if shirts else None
        person(draw, rng, x, foot, max(10, height), shirt=shirt, hat=hat)
