"""Demo content for a fresh developer database: the default ward's
introduction, contacts, footer notice and links, and its organisation with
people (a few with generated portraits), English for the main bodies, a body
waiting for review; a smaller organisation for the second ward. Called by
`manage.py load_demo` (articles/management/commands/load_demo.py).

What a ward already has is never overwritten: a filled field is kept, and a
ward with bodies gets none."""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from wards.hosts import default_ward
from wards.models import Ward, WardLink

from .models import Body, Person

SECOND_WARD_NAME = "Phường Bồ Đề"

INTRODUCTION = (
    "<h2>Khái quát</h2>"
    "<p>Phường Phúc Lợi nằm ở phía đông bắc thành phố Hà Nội, bên bờ nam sông "
    "Đuống. Phường được thành lập năm 2003, cùng với quận Long Biên; từ ngày "
    "01/7/2025, thực hiện sắp xếp đơn vị hành chính và tổ chức chính quyền địa "
    "phương hai cấp, phường trực thuộc thành phố Hà Nội.</p>"
    "<p>Trên địa bàn phường có các khu đô thị mới xen với làng xóm cũ, nhiều "
    "trường học, trạm y tế, chợ dân sinh và các tuyến phố đang được chỉnh trang. "
    "Nhân dân trong phường có truyền thống cần cù, đoàn kết, tích cực tham gia "
    "các phong trào thi đua yêu nước.</p>"
    "<h2>Tổ chức hành chính</h2>"
    "<p>Phường được chia thành các tổ dân phố. Hệ thống chính trị của phường "
    "gồm Đảng ủy phường, Hội đồng nhân dân, Ủy ban nhân dân, Ủy ban Mặt trận Tổ "
    "quốc Việt Nam phường và các tổ chức chính trị - xã hội (xem trang "
    '<a href="/co-cau-to-chuc/">Cơ cấu tổ chức</a>).</p>'
    "<h2>Định hướng phát triển</h2>"
    "<ul><li>Xây dựng chính quyền phục vụ nhân dân, đẩy mạnh giải quyết thủ tục "
    "hành chính trực tuyến.</li>"
    "<li>Chỉnh trang đô thị, bảo đảm vệ sinh môi trường và trật tự, an toàn giao "
    "thông.</li>"
    "<li>Chăm lo đời sống người có công, người cao tuổi và hộ có hoàn cảnh khó "
    "khăn.</li></ul>"
)

# The default ward's details, for the fields it has left empty.
WARD_DETAILS = {
    "name_en": "Phuc Loi Ward",
    "address": "Số 1 phố Phúc Lợi, phường Phúc Lợi, thành phố Hà Nội",
    "phone": "024 3875 0000",
    "hotline": "0912 345 678",
    "email": "ubndphucloi@hanoi.gov.vn",
    "responsible_person": "Ông Nguyễn Văn Hùng – Chủ tịch UBND phường",
    "governing_body": "Ủy ban nhân dân phường Phúc Lợi",
    "licence": "125/GP-TTĐT ngày 15/03/2021 của Sở Thông tin và Truyền thông Hà Nội",
    "map_url": "https://www.openstreetmap.org/#map=16/21.0455/105.9202",
    "introduction": INTRODUCTION,
}

SECOND_WARD_DETAILS = {
    "name_en": "Bo De Ward",
    "hotline": "0987 654 321",
    "governing_body": "Ủy ban nhân dân phường Bồ Đề",
    "responsible_person": "Bà Phan Thị Thanh Vân – Chủ tịch UBND phường",
}

# After the national public service portal every ward starts with.
LINKS = [
    ("Cổng thông tin điện tử Chính phủ", "https://chinhphu.vn/"),
    ("Cổng thông tin điện tử thành phố Hà Nội", "https://hanoi.gov.vn/"),
    ("Cổng Dịch vụ công thành phố Hà Nội", "https://dichvucong.hanoi.gov.vn/"),
]


def _functions(intro, tasks):
    items = "".join(f"<li>{task}</li>" for task in tasks)
    return f"<p>{intro}</p><ul>{items}</ul>"


# (name, English name, functions, English functions, status, people)
# person: (name, title, English title, phone, email, leader, contacts, photo colour)
BODIES = [
    (
        "Đảng ủy phường",
        "Party Committee of the Ward",
        _functions(
            "Đảng ủy phường là cơ quan lãnh đạo của Đảng bộ phường giữa hai kỳ đại "
            "hội, lãnh đạo toàn diện các mặt công tác trên địa bàn.",
            [
                "Lãnh đạo thực hiện đường lối, chủ trương của Đảng, chính sách, pháp "
                "luật của Nhà nước và nghị quyết của cấp trên tại phường.",
                "Quyết định chủ trương, biện pháp phát triển kinh tế - xã hội, bảo đảm "
                "quốc phòng, an ninh.",
                "Lãnh đạo công tác xây dựng Đảng, công tác cán bộ, kiểm tra, giám sát "
                "và hoạt động của hệ thống chính trị phường.",
            ],
        ),
        _functions(
            "The Party Committee leads the ward's Party organisation between its "
            "congresses and gives overall direction to the ward's work.",
            [
                "Carries out the Party's policies and the State's laws in the ward.",
                "Decides on measures for the ward's economic and social development, "
                "defence and security.",
                "Directs Party building, personnel, inspection and supervision, and "
                "the work of the ward's political system.",
            ],
        ),
        Body.Status.PUBLISHED,
        [
            (
                "Trần Quốc Hưng",
                "Bí thư Đảng ủy phường",
                "Secretary of the Ward Party Committee",
                "024 3875 1001",
                "tqhung@hanoi.gov.vn",
                True,
                False,
                (52, 96, 140),
            ),
            (
                "Lê Thị Thu Hương",
                "Phó Bí thư Thường trực Đảng ủy phường",
                "Standing Deputy Secretary of the Ward Party Committee",
                "024 3875 1002",
                "ltthuong@hanoi.gov.vn",
                True,
                False,
                (120, 70, 110),
            ),
            (
                "Phạm Đức Thắng",
                "Chủ nhiệm Ủy ban Kiểm tra Đảng ủy phường",
                "Chairman of the Inspection Commission of the Ward Party Committee",
                "024 3875 1003",
                "pdthang@hanoi.gov.vn",
                False,
                False,
                None,
            ),
        ],
    ),
    (
        "Hội đồng nhân dân phường",
        "People's Council of the Ward",
        _functions(
            "Hội đồng nhân dân phường là cơ quan quyền lực nhà nước ở địa phương, do "
            "nhân dân phường bầu ra, đại diện cho ý chí, nguyện vọng của nhân dân.",
            [
                "Quyết định các biện pháp bảo đảm thi hành Hiến pháp, pháp luật trên "
                "địa bàn phường.",
                "Quyết định dự toán ngân sách, kế hoạch phát triển kinh tế - xã hội "
                "hằng năm của phường.",
                "Giám sát việc tuân theo pháp luật và hoạt động của Ủy ban nhân dân "
                "phường; tiếp xúc cử tri, tiếp nhận kiến nghị của nhân dân.",
            ],
        ),
        _functions(
            "The People's Council is the local body of State power, elected by the "
            "people of the ward to represent their will and aspirations.",
            [
                "Decides on measures to enforce the Constitution and the law in the "
                "ward.",
                "Approves the ward's budget and its yearly development plan.",
                "Oversees the People's Committee and meets voters to hear their "
                "proposals.",
            ],
        ),
        Body.Status.PUBLISHED,
        [
            (
                "Nguyễn Thị Minh Nguyệt",
                "Chủ tịch Hội đồng nhân dân phường",
                "Chairwoman of the Ward People's Council",
                "024 3875 1011",
                "ntmnguyet@hanoi.gov.vn",
                True,
                False,
                (150, 90, 60),
            ),
            (
                "Đỗ Văn Khánh",
                "Phó Chủ tịch Hội đồng nhân dân phường",
                "Vice Chairman of the Ward People's Council",
                "024 3875 1012",
                "dvkhanh@hanoi.gov.vn",
                False,
                False,
                None,
            ),
        ],
    ),
    (
        "Ủy ban nhân dân phường",
        "People's Committee of the Ward",
        _functions(
            "Ủy ban nhân dân phường là cơ quan chấp hành của Hội đồng nhân dân, cơ "
            "quan hành chính nhà nước ở phường, chịu trách nhiệm trước Hội đồng nhân "
            "dân phường và Ủy ban nhân dân thành phố.",
            [
                "Tổ chức thi hành Hiến pháp, pháp luật và nghị quyết của Hội đồng nhân "
                "dân phường.",
                "Quản lý nhà nước về đất đai, xây dựng, trật tự đô thị, môi trường, "
                "văn hóa, giáo dục, y tế và an sinh xã hội trên địa bàn.",
                "Giải quyết thủ tục hành chính cho người dân, doanh nghiệp tại Trung "
                "tâm Phục vụ hành chính công phường.",
                "Tiếp công dân, giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh.",
            ],
        ),
        _functions(
            "The People's Committee is the executive body of the People's Council "
            "and the State administration of the ward, answerable to the Council "
            "and to the City People's Committee.",
            [
                "Enforces the Constitution, the law and the Council's resolutions.",
                "Manages land, construction, urban order, the environment, culture, "
                "education, health and social welfare in the ward.",
                "Handles residents' and businesses' administrative procedures at the "
                "ward's Public Administration Service Centre.",
                "Receives citizens and settles their complaints and petitions.",
            ],
        ),
        Body.Status.PUBLISHED,
        [
            (
                "Nguyễn Văn Hùng",
                "Chủ tịch Ủy ban nhân dân phường",
                "Chairman of the Ward People's Committee",
                "024 3875 1021",
                "hmtuan@hanoi.gov.vn",
                True,
                False,
                (40, 110, 90),
            ),
            (
                "Trần Thị Mai",
                "Phó Chủ tịch Ủy ban nhân dân phường (kinh tế, đô thị)",
                "Vice Chairwoman of the Ward People's Committee (economy, urban "
                "affairs)",
                "024 3875 1022",
                "vtlanh@hanoi.gov.vn",
                True,
                False,
                (160, 110, 40),
            ),
            (
                "Bùi Quang Huy",
                "Phó Chủ tịch Ủy ban nhân dân phường (văn hóa - xã hội)",
                "Vice Chairman of the Ward People's Committee (culture and social "
                "affairs)",
                "024 3875 1023",
                "bqhuy@hanoi.gov.vn",
                True,
                False,
                (90, 80, 150),
            ),
            (
                "Ngô Thị Hồng Nhung",
                "Chánh Văn phòng HĐND và UBND phường",
                "Head of the Office of the Ward People's Council and People's "
                "Committee",
                "024 3875 1025",
                "vanphong.phucloi@hanoi.gov.vn",
                False,
                True,
                None,
            ),
            (
                "Đặng Văn Toàn",
                "Giám đốc Trung tâm Phục vụ hành chính công phường",
                "Director of the Ward Public Administration Service Centre",
                "024 3875 1026",
                "motcua.phucloi@hanoi.gov.vn",
                False,
                True,
                None,
            ),
        ],
    ),
    (
        "Ủy ban Mặt trận Tổ quốc Việt Nam phường",
        "Viet Nam Fatherland Front Committee of the Ward",
        _functions(
            "Ủy ban Mặt trận Tổ quốc Việt Nam phường là tổ chức liên minh chính trị, "
            "liên hiệp tự nguyện của các tổ chức chính trị - xã hội và các tầng lớp "
            "nhân dân trên địa bàn.",
            [
                "Tập hợp, xây dựng khối đại đoàn kết toàn dân tộc.",
                "Đại diện, bảo vệ quyền và lợi ích hợp pháp của nhân dân; giám sát và "
                "phản biện xã hội.",
                "Chủ trì cuộc vận động “Toàn dân đoàn kết xây dựng đời sống văn hóa” "
                "ở các tổ dân phố.",
            ],
        ),
        _functions(
            "The Fatherland Front Committee is the ward's political alliance of "
            "the socio-political organisations and all sections of the people.",
            [
                "Builds the unity of all the people.",
                "Represents and protects the people's lawful rights, and oversees "
                "and gives feedback on the authorities' work.",
                "Leads the campaign for a cultural life in every residential group.",
            ],
        ),
        Body.Status.PUBLISHED,
        [
            (
                "Trịnh Thị Mai",
                "Chủ tịch Ủy ban MTTQ Việt Nam phường",
                "Chairwoman of the Ward Fatherland Front Committee",
                "024 3875 1031",
                "ttmai@hanoi.gov.vn",
                True,
                False,
                (170, 60, 60),
            ),
            (
                "Lương Văn Sơn",
                "Phó Chủ tịch Ủy ban MTTQ Việt Nam phường",
                "Vice Chairman of the Ward Fatherland Front Committee",
                "024 3875 1032",
                "",
                False,
                False,
                None,
            ),
        ],
    ),
    (
        "Đoàn Thanh niên Cộng sản Hồ Chí Minh phường",
        "",
        _functions(
            "Đoàn Thanh niên phường tập hợp, giáo dục đoàn viên, thanh niên trên "
            "địa bàn.",
            [
                "Tổ chức các phong trào tình nguyện, “Ngày Chủ nhật xanh”.",
                "Hỗ trợ người dân sử dụng dịch vụ công trực tuyến.",
            ],
        ),
        "",
        Body.Status.PUBLISHED,
        [
            (
                "Phan Minh Đức",
                "Bí thư Đoàn phường",
                "",
                "0904 112 233",
                "",
                False,
                False,
                None,
            ),
        ],
    ),
    (
        "Hội Liên hiệp Phụ nữ phường",
        "",
        _functions(
            "Hội Liên hiệp Phụ nữ phường đại diện cho quyền và lợi ích hợp pháp của "
            "phụ nữ trên địa bàn.",
            [
                "Vận động hội viên xây dựng gia đình hạnh phúc.",
                "Hỗ trợ phụ nữ có hoàn cảnh khó khăn vay vốn, học nghề.",
            ],
        ),
        "",
        Body.Status.PUBLISHED,
        [
            (
                "Nguyễn Thị Hạnh",
                "Chủ tịch Hội Liên hiệp Phụ nữ phường",
                "",
                "0912 667 788",
                "",
                False,
                False,
                None,
            ),
        ],
    ),
    (
        "Hội Cựu chiến binh phường",
        "",
        "<p>Hội Cựu chiến binh phường tập hợp cựu chiến binh trên địa bàn, giữ gìn "
        "và phát huy truyền thống Bộ đội Cụ Hồ.</p>",
        "",
        Body.Status.PUBLISHED,
        [
            (
                "Lê Văn Thành",
                "Chủ tịch Hội Cựu chiến binh phường",
                "",
                "0983 221 144",
                "",
                False,
                False,
                None,
            ),
        ],
    ),
    (
        "Ban Chỉ huy Quân sự phường",
        "",
        "<p>Tham mưu cho Đảng ủy, Ủy ban nhân dân phường về công tác quốc phòng, "
        "quân sự địa phương.</p>",
        "",
        Body.Status.REVIEW,  # Sent for review: not on the site yet.
        [
            (
                "Tạ Văn Long",
                "Chỉ huy trưởng Ban Chỉ huy Quân sự phường",
                "",
                "0988 445 566",
                "",
                False,
                False,
                None,
            ),
        ],
    ),
]

SECOND_WARD_BODIES = [
    (
        "Ủy ban nhân dân phường",
        "People's Committee of the Ward",
        "<p>Cơ quan hành chính nhà nước ở phường Bồ Đề, tổ chức thi hành pháp luật "
        "và giải quyết thủ tục hành chính cho người dân.</p>",
        "<p>The State administration of Bo De Ward.</p>",
        Body.Status.PUBLISHED,
        [
            (
                "Phan Thị Thanh Vân",
                "Chủ tịch Ủy ban nhân dân phường",
                "Chairwoman of the Ward People's Committee",
                "024 3872 1001",
                "pttvan@hanoi.gov.vn",
                True,
                False,
                None,
            ),
            (
                "Cao Văn Tú",
                "Chánh Văn phòng HĐND và UBND phường",
                "Head of the Ward Office",
                "024 3872 1005",
                "vanphong.bode@hanoi.gov.vn",
                False,
                True,
                None,
            ),
        ],
    ),
]


def load_demo_content() -> list[str]:
    """Fills the default ward (and the second, if the articles' demo made it);
    returns what it did."""
    done = []
    ward = default_ward()
    done += _fill_ward(ward, WARD_DETAILS, LINKS)
    done += add_bodies(ward, BODIES)
    second = Ward.objects.filter(name=SECOND_WARD_NAME).first()
    if second is not None:
        done += _fill_ward(second, SECOND_WARD_DETAILS, LINKS[1:2])
        done += add_bodies(second, SECOND_WARD_BODIES)
    return done


def _fill_ward(ward, details, links) -> list[str]:
    empty = {
        field: value for field, value in details.items() if not getattr(ward, field)
    }
    for field, value in empty.items():
        setattr(ward, field, value)
    if empty:
        ward.full_clean()
        ward.save()
    added = 0
    for order, (title, url) in enumerate(links, start=2):
        _, created = WardLink.objects.get_or_create(
            ward=ward, url=url, defaults={"title": title, "order": order * 10}
        )
        added += created
    done = []
    if empty:
        done.append(f"{ward.name}: {len(empty)} thông tin (giới thiệu, liên hệ…)")
    if added:
        done.append(f"{ward.name}: {added} liên kết ở chân trang")
    return done


def add_bodies(ward, bodies) -> list[str]:
    if Body.objects.filter(ward=ward).exists():
        return []
    people = 0
    for order, (name, name_en, functions, functions_en, status, members) in enumerate(
        bodies, start=1
    ):
        body = Body.objects.create(
            ward=ward,
            name=name,
            name_en=name_en,
            functions=functions,
            functions_en=functions_en,
            status=status,
            order=order * 10,
        )
        for n, member in enumerate(members, start=1):
            full_name, title, title_en, phone, email, leader, contacts, colour = member
            person = Person(
                body=body,
                name=full_name,
                title=title,
                title_en=title_en,
                phone=phone,
                email=email,
                is_leader=leader,
                handles_contacts=contacts,
                order=n * 10,
            )
            if colour:
                # "Thị", the middle name of most Vietnamese women.
                woman = " Thị " in f" {full_name} "
                portrait = _portrait(colour, woman=woman)
                person.photo.save(f"{full_name}.jpg", portrait, save=False)
            person.full_clean()
            person.save()
            people += 1
    return [f"{ward.name}: cơ cấu tổ chức, {len(bodies)} cơ quan, {people} người"]


def _portrait(colour, woman=False) -> ContentFile:
    """A head-and-shoulders portrait as official photos are taken, 600x800:
    a blue studio ground lighter behind the head, a dark jacket (a shade of
    `colour`, so people differ), white shirt and tie (a woman: hair to the
    shoulders, no tie), softened and grained like a photograph. A demo ward
    has no photos of its people."""
    size = (600, 800)
    glow = Image.radial_gradient("L").resize((900, 1000)).crop((150, 60, 750, 860))
    image = Image.composite(
        Image.new("RGB", size, (38, 92, 160)),
        Image.new("RGB", size, (120, 170, 220)),
        glow,
    )
    draw = ImageDraw.Draw(image)
    jacket = tuple(c // 3 + 20 for c in colour)
    skin = (228, 188, 156)
    if woman:  # Hair to the shoulders, behind the neck.
        draw.rounded_rectangle((170, 200, 430, 600), radius=90, fill=(30, 24, 22))
    draw.rectangle((258, 420, 342, 560), fill=(208, 168, 136))  # Neck, in shadow.
    draw.ellipse((-60, 510, 660, 1110), fill=jacket)  # Shoulders.
    draw.polygon([(236, 525), (300, 760), (364, 525)], fill=(246, 246, 242))  # Shirt.
    if not woman:
        draw.polygon([(288, 560), (312, 560), (322, 800), (278, 800)], fill=colour)
    draw.polygon([(215, 530), (300, 800), (250, 800), (180, 570)], fill=jacket)
    draw.polygon([(385, 530), (300, 800), (350, 800), (420, 570)], fill=jacket)
    draw.ellipse((182, 140, 418, 380), fill=(34, 28, 24))  # Hair, behind.
    draw.ellipse((176, 300, 214, 385), fill=skin)  # Ears.
    draw.ellipse((386, 300, 424, 385), fill=skin)
    draw.ellipse((196, 200, 404, 455), fill=skin)  # Face.
    draw.chord((196, 170, 404, 330), 200, 340, fill=(34, 28, 24))  # Fringe.
    for eye in (256, 344):
        draw.ellipse((eye - 15, 315, eye + 15, 328), fill=(60, 45, 40))
        draw.line([(eye - 20, 298), (eye + 18, 296)], fill=(50, 40, 34), width=5)
    draw.line([(300, 330), (294, 384), (306, 388)], fill=(200, 156, 126), width=4)
    draw.arc((268, 392, 332, 428), 20, 160, fill=(170, 100, 90), width=5)
    image = image.filter(ImageFilter.GaussianBlur(2))
    grain = Image.effect_noise((300, 400), 6).convert("RGB").resize(size)
    image = ImageChops.add(image, grain, scale=1.0, offset=-128)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue())
