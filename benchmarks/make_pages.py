"""Generate realistic report pages for the benchmark, from the project's own data.

Each page looks like a government CMS page: ``<head>`` with the usual meta tags, inline scripts
and styles, navigation chrome (top bar, menu, breadcrumb, search form, footer link lists), a
metadata header table, a preface and numbered narrative sections, and the statistical tables of
one official format (legacy 2014, 2019 or 2021), with the cell labels, units and group structure
taken from ``data/layouts.toml`` and ``data/taxonomy.toml``. Word-exported tables carry the heavy
inline ``style`` attributes real pages have. Nothing is copied from any corpus page.

The same page model renders as HTML (UTF-8, or GB2312-declared GBK) and as flattened
``a | b | c |`` text. Output is deterministic for a seed.

Usage::

    python benchmarks/make_pages.py OUTDIR      # writes the benchmark pages for inspection
"""

from __future__ import annotations

import random
import sys
import tomllib
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["BenchPage", "benchmark_pages"]

Cell = tuple[str, int, int]  # text, colspan, rowspan
Row = list[Cell]
Block = tuple[str, "str | list[Row]"]  # kind (title, heading, text, table), and its content

_AGENCIES = [
    ("江北区人民政府", "江北区"),
    ("临安市财政局", "临安市"),
    ("东平县人民政府办公室", "东平县"),
    ("南湖区交通运输局", "南湖区"),
    ("西山镇人民政府", "西山镇"),
    ("安阳市生态环境局", "安阳市"),
    ("青山区教育局", "青山区"),
    ("长丰县市场监督管理局", "长丰县"),
    ("北城街道办事处", "北城街道"),
    ("河口市自然资源和规划局", "河口市"),
    ("平阳县卫生健康局", "平阳县"),
    ("东湖区司法局", "东湖区"),
]

_NAV = ["首页", "政务公开", "政务服务", "互动交流", "走进本地", "专题专栏", "数据发布", "政策文件"]
_MENU = [
    "政府信息公开指南",
    "政府信息公开制度",
    "法定主动公开内容",
    "政府信息公开年报",
    "依申请公开",
    "机构职能",
    "政策解读",
    "财政信息",
    "人事信息",
    "规划计划",
    "重点领域信息公开",
]
_FOOTER = ["网站地图", "联系我们", "使用帮助", "隐私声明", "网站纠错", "无障碍浏览"]

_SECTIONS = {
    "legacy2014": [
        "概述",
        "主动公开政府信息情况",
        "政府信息依申请公开情况",
        "政府信息公开的收费及减免情况",
        "因政府信息公开申请行政复议、提起行政诉讼的情况",
        "政府信息公开工作存在的主要问题及改进情况",
        "其他需要报告的事项",
    ],
    "new": [
        "总体情况",
        "主动公开政府信息情况",
        "收到和处理政府信息公开申请情况",
        "政府信息公开行政复议、行政诉讼情况",
        "存在的主要问题及改进情况",
        "其他需要报告的事项",
    ],
}

_PHRASES = [
    "{agency}认真贯彻落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求",
    "围绕中心工作，坚持以公开为常态、不公开为例外",
    "进一步健全完善政府信息公开工作机制，明确分管领导和具体承办人员",
    "依托政府门户网站、政务微博、政务微信等平台，及时准确发布政府信息{n}条",
    "全年共召开政务公开工作专题会议{m}次，组织业务培训{k}场次，培训人员{n}人次",
    "加强政策解读和回应关注工作，发布政策解读材料{m}篇，回应社会关切{k}次",
    "严格落实保密审查制度，做到先审查、后公开，一事一审、全面审查",
    "持续推进重点领域信息公开，重点做好财政预决算、重大建设项目、公共资源配置等信息的公开",
    "规范依申请公开办理流程，严格按照法定时限答复申请人",
    "对照考核指标逐项梳理，及时更新政府信息公开指南和目录",
    "加强政府网站内容保障，全年更新栏目信息{n}条，网站访问量达到{m}万人次",
    "做好人大代表建议和政协委员提案办理结果公开工作，共公开办理结果{k}件",
    "政府信息公开工作仍存在公开内容不够全面、解读形式较为单一等问题",
    "下一步将继续加强业务培训，提升工作人员的业务水平和责任意识",
    "进一步拓宽公开渠道，增强公开实效，更好地服务人民群众和市场主体",
]

_SCRIPT = """
var _hmt = _hmt || [];
(function() {{
  var hm = document.createElement("script");
  hm.src = "/js/stat.js?v={seed}";
  var s = document.getElementsByTagName("script")[0];
  s.parentNode.insertBefore(hm, s);
}})();
function setFontSize(size) {{
  var el = document.getElementById("zoom");
  if (el) {{ el.style.fontSize = size + "px"; }}
}}
function printPage() {{ window.print(); }}
"""

_STYLE = """
body {{ margin: 0; font-family: "Microsoft YaHei", SimSun, sans-serif; }}
.wrap {{ width: 1200px; margin: 0 auto; }} .nav li {{ float: left; padding: 0 {seed}px; }}
.article-content table {{ border-collapse: collapse; }} .footer {{ background: #f2f2f2; }}
"""

_WORD_TD = (
    ' width="{w}" valign="center" style="border:solid windowtext 1.0pt;border-top:none;'
    'padding:0cm 5.4pt 0cm 5.4pt"'
)
_WORD_P = '<p class="MsoNormal" align="center" style="text-align:center">'
_WORD_SPAN = '<span style="font-size:10.5pt;font-family:仿宋_GB2312">'


@dataclass
class BenchPage:
    """One generated page in both renderings."""

    name: str
    fmt: str
    encoding: str
    html: bytes
    text: bytes
    blocks: list[Block] = field(default_factory=list)


def _data(name: str) -> dict[str, Any]:
    raw = resources.files("govreport_parse.data").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(raw)


def _num(rng: random.Random, top: int = 60) -> str:
    return str(rng.choice([0, 0, 0, rng.randint(1, top), rng.randint(1, 9)]))


def _units() -> dict[str, str]:
    tax = _data("taxonomy.toml")
    return {str(i["id"]): str(i.get("unit", "")) for i in tax["indicator"]}


_LEGACY_SECTION_OF = [
    ("proactive_legacy", "s1"),
    ("response", "s2"),
    ("requests", "s3"),
    ("review", "s4"),
    ("litigation", "s5"),
    ("complaints", "s6"),
    ("archive_submission", "s7"),
    ("websites", "s8"),
    ("gazette", "s9"),
    ("reading_points_visitors", "s11"),
    ("reading_points", "s10"),
    ("organization", "s12"),
    ("training", "s13"),
]
_CN = "一二三四五六七八九十"


def _cn(n: int) -> str:
    tens, ones = divmod(n, 10)
    if n <= 10:
        return _CN[n - 1]
    head = "" if tens == 1 else _CN[tens - 1]
    return head + "十" + (_CN[ones - 1] if ones else "")


def _legacy_table(rng: random.Random) -> list[Row]:
    layout = _data("layouts.toml")["legacy"]
    units = _units()
    tax = _data("taxonomy.toml")
    gov_levels = [m["label"] for m in tax["dimensions"]["gov_level"]["members"]]
    rows: list[Row] = [[("统计指标", 1, 1), ("单位", 1, 1), ("统计数", 1, 1)]]
    for number, section in enumerate(layout["sections"], 1):
        key = section["section"]
        own = section.get("id")
        unit = units.get(own, "") if own else ""
        rows.append(
            [
                (f"{_cn(number)}、{section['labels'][0]}", 1, 1),
                (unit, 1, 1),
                (_num(rng) if own else "", 1, 1),
            ]
        )
        members = [
            r
            for r in layout["rows"]
            if r.get("section") == key
            or (
                r.get("section") is None
                and next(s for p, s in _LEGACY_SECTION_OF if str(r["id"]).startswith(p)) == key
            )
        ]
        for index, spec in enumerate(members, 1):
            if spec.get("labels"):
                label = f"（{_cn(index)}）{spec['labels'][0]}"
            else:
                label = f"（{_cn(index)}）{gov_levels[index - 1]}"
            rows.append(
                [(label, 1, 1), (units.get(spec["id"], "") or "个", 1, 1), (_num(rng), 1, 1)]
            )
    return rows


def _t2_tables(rng: random.Random, fmt: str) -> list[list[Row]]:
    tables = []
    for block in _data("layouts.toml")["t2"]:
        cols = block[fmt]
        header = {
            "new_made": "本年新制作数量",
            "new_published": "本年新公开数量",
            "published_total": "对外公开总数量",
            "issued": "本年制发件数",
            "repealed": "本年废止件数",
            "in_force": "现行有效件数",
            "items_prev_year": "上一年项目数量",
            "items_change": "本年增/减",
            "decisions": "本年处理决定数量",
            "amount": "采购总金额"
            if "procurement" in block["rows"][0]["row"]
            else "本年收费金额（单位：万元）",
            "projects": "采购项目数量",
        }
        rows: list[Row] = [
            [(block["block"].replace("(", "（").replace(")", "）"), len(cols) + 1, 1)]
        ]
        rows.append([("信息内容", 1, 1)] + [(header[c], 1, 1) for c in cols])
        for spec in block["rows"]:
            values = [
                f"{rng.randint(0, 900)}.{rng.randint(0, 99):02d}"
                if c == "amount"
                else _num(rng, 300)
                for c in cols
            ]
            rows.append([(spec["labels"][0], 1, 1)] + [(v, 1, 1) for v in values])
        tables.append(rows)
    return tables


def _t3_table(rng: random.Random, fmt: str) -> list[Row]:
    t3 = _data("layouts.toml")["t3"]
    rows: list[Row] = [
        [
            ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
            ("申请人情况", 7, 1),
        ],
        [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)],
        [
            ("商业企业", 1, 1),
            ("科研机构", 1, 1),
            ("社会公益组织", 1, 1),
            ("法律服务机构", 1, 1),
            ("其他", 1, 1),
        ],
    ]

    def values() -> list[Cell]:
        nums = [int(_num(rng, 40)) for _ in range(6)]
        return [(str(n), 1, 1) for n in [*nums, sum(nums)]]

    by_id = {spec["id"]: spec for spec in t3["rows"]}

    def label(ident: str) -> str:
        spec = by_id[ident]
        first: str = (spec.get("labels") or spec.get("exact"))[0]
        return first

    rows.append([("一、本年新收政府信息公开申请数量", 3, 1), *values()])
    rows.append([("二、上年结转政府信息公开申请数量", 3, 1), *values()])
    groups = [
        ("（一）予以公开", ["requests.outcome.granted"]),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ["requests.outcome.partial"]),
        ("（三）不予公开", [i for i in by_id if i.startswith("requests.outcome.denied.")]),
        ("（四）无法提供", [i for i in by_id if i.startswith("requests.outcome.unable.")]),
        ("（五）不予处理", [i for i in by_id if i.startswith("requests.outcome.not_processed.")]),
    ]
    if fmt == "fmt2021":
        groups.append(
            ("（六）其他处理", [i for i in by_id if i.startswith("requests.outcome.other.")])
        )
    else:
        groups.append(("（六）其他处理", ["requests.outcome.other"]))
    n_rows = sum(max(1, len(ids)) for _, ids in groups) + 1
    first = True
    for group, ids in groups:
        lead: list[Cell] = [("三、本年度办理结果", 1, n_rows)] if first else []
        first = False
        if len(ids) == 1 and group.endswith(
            ("予以公开", "区分处理的，只计这一情形，不计其他情形）")
        ):
            rows.append([*lead, (group, 2, 1), *values()])
            continue
        if len(ids) == 1:
            rows.append([*lead, (group, 2, 1), *values()])
            continue
        for index, ident in enumerate(ids, 1):
            cells: list[Cell] = list(lead) if index == 1 else []
            if index == 1:
                cells.append((group, 1, len(ids)))
            cells.append((f"{index}.{label(ident)}", 1, 1))
            rows.append([*cells, *values()])
    rows.append([("（七）总计", 2, 1), *values()])
    rows.append([("四、结转下年度继续办理", 3, 1), *values()])
    return rows


def _t4_table(rng: random.Random) -> list[Row]:
    rows: list[Row] = [
        [("行政复议", 5, 1), ("行政诉讼", 10, 1)],
        [
            ("结果维持", 1, 2),
            ("结果纠正", 1, 2),
            ("其他结果", 1, 2),
            ("尚未审结", 1, 2),
            ("总计", 1, 2),
            ("未经复议直接起诉", 5, 1),
            ("复议后起诉", 5, 1),
        ],
        [(w, 1, 1) for w in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2],
    ]
    cells: list[Cell] = []
    for _ in range(3):
        nums = [int(_num(rng, 5)) for _ in range(4)]
        cells += [(str(n), 1, 1) for n in [*nums, sum(nums)]]
    rows.append(cells)
    return rows


def _paragraphs(rng: random.Random, agency: str, count: int) -> list[str]:
    out = []
    for _ in range(count):
        picked = rng.sample(_PHRASES, k=rng.randint(3, 6))
        body = "，".join(
            p.format(
                agency=agency, n=rng.randint(10, 5000), m=rng.randint(2, 90), k=rng.randint(1, 30)
            )
            for p in picked
        )
        out.append(body + "。")
    return out


def _model(rng: random.Random, fmt: str, agency: str, year: int, paragraphs: int) -> list[Block]:
    blocks: list[Block] = []
    title = f"{agency}{year}年政府信息公开工作年度报告"
    blocks.append(("title", title))
    blocks.append(
        (
            "p",
            f"本报告根据《中华人民共和国政府信息公开条例》要求，由{agency}编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        )
    )
    sections = _SECTIONS["legacy2014" if fmt == "legacy2014" else "new"]
    per = max(1, paragraphs // len(sections))
    for number, heading in enumerate(sections, 1):
        blocks.append(("h", f"{_cn(number)}、{heading}"))
        blocks.extend(("p", text) for text in _paragraphs(rng, agency, per))
        if fmt == "legacy2014" and number == len(sections):
            blocks.append(("p", f"附：{year}年度政府信息公开工作情况统计表"))
            blocks.append(("table", _legacy_table(rng)))
        if fmt != "legacy2014" and heading == "主动公开政府信息情况":
            blocks.extend(("table", table) for table in _t2_tables(rng, fmt))
        if fmt != "legacy2014" and heading == "收到和处理政府信息公开申请情况":
            blocks.append(("table", _t3_table(rng, fmt)))
        if fmt != "legacy2014" and heading.startswith("政府信息公开行政复议"):
            blocks.append(("table", _t4_table(rng)))
    blocks.append(("p", agency))
    blocks.append(("p", f"{year + 1}年1月{rng.randint(10, 31)}日"))
    return blocks


def _html_table(rows: list[Row], word: bool) -> str:
    out = [
        '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="600">'
        if word
        else '<table border="1" cellspacing="0" cellpadding="4" width="100%">',
        "<tbody>",
    ]
    for row in rows:
        out.append("<tr>")
        for text, colspan, rowspan in row:
            attrs = ""
            if colspan > 1:
                attrs += f' colspan="{colspan}"'
            if rowspan > 1:
                attrs += f' rowspan="{rowspan}"'
            content = escape(text) if text else "&nbsp;"
            if word:
                attrs += _WORD_TD.format(w=60 * colspan)
                content = f"{_WORD_P}{_WORD_SPAN}{content}</span><o:p></o:p></p>"
            out.append(f"<td{attrs}>{content}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _html(
    blocks: list[Block],
    charset: str,
    agency: str,
    place: str,
    year: int,
    seed: int,
    word: bool,
) -> str:
    title = str(blocks[0][1])
    site = f"{place}人民政府门户网站"
    head = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        f'<meta charset="{charset}" />',
        f"<title>{escape(title)}_{site}</title>",
        f'<meta name="SiteName" content="{site}" />',
        '<meta name="SiteDomain" content="www.example.gov.cn" />',
        '<meta name="ColumnName" content="政府信息公开年报" />',
        f'<meta name="ArticleTitle" content="{escape(title)}" />',
        f'<meta name="PubDate" content="{year + 1}-01-{10 + seed % 20} 09:30" />',
        f'<meta name="ContentSource" content="{agency}" />',
        '<meta name="Keywords" content="政府信息公开,年度报告" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1.0" />',
        '<link rel="stylesheet" type="text/css" href="/images/common.css" />',
        '<script type="text/javascript" src="/js/jquery.min.js"></script>',
        f"<style>{_STYLE.format(seed=seed)}</style>",
        f'<script type="text/javascript">{_SCRIPT.format(seed=seed)}</script>',
        "</head>",
        "<body>",
    ]
    nav = "".join(f'<li><a href="/c{i}/">{escape(n)}</a></li>' for i, n in enumerate(_NAV))
    menu = "".join(f'<li><a href="/xxgk/{i}/">{escape(n)}</a></li>' for i, n in enumerate(_MENU))
    body = [
        '<div class="top-bar"><div class="wrap"><span>欢迎访问' + site + "</span>"
        '<a href="javascript:void(0)">简体</a> | <a href="javascript:void(0)">繁体</a> | '
        '<a href="/wza/">无障碍浏览</a></div></div>',
        '<div class="header"><div class="logo"><a href="/">'
        f'<img src="/images/logo.png" alt="{site}" /></a></div>'
        '<form class="search" action="/search/" method="get"><input type="text" name="q" />'
        '<button type="submit">搜索</button></form></div>',
        f'<div class="nav"><ul>{nav}</ul></div>',
        '<div class="main wrap">',
        f'<div class="left-menu"><h3>政府信息公开</h3><ul>{menu}</ul></div>',
        '<div class="position">当前位置：<a href="/">首页</a> &gt; '
        '<a href="/zwgk/">政务公开</a> &gt; '
        f'<a href="/zwgk/xxgknb/">政府信息公开年报</a> &gt; {year}年</div>',
        '<div class="article-content">',
        '<table class="xxgk-head" width="100%"><tbody>'
        f"<tr><td>索 引 号：</td><td>11{seed:04d}00MB{seed:04d}/{year + 1}-{seed:05d}</td>"
        "<td>分　　类：</td><td>政府信息公开年报</td></tr>"
        f"<tr><td>发布机构：</td><td>{agency}</td>"
        f"<td>成文日期：</td><td>{year + 1}-01-{10 + seed % 20}</td></tr>"
        f'<tr><td>名　　称：</td><td colspan="3">{escape(title)}</td></tr>'
        "<tr><td>文　　号：</td><td></td>"
        f"<td>发布日期：</td><td>{year + 1}-01-{10 + seed % 20}</td></tr>"
        "</tbody></table>",
        f'<h1 class="title">{escape(title)}</h1>',
        f'<div class="info"><span>发布时间：{year + 1}年01月{10 + seed % 20}日</span> '
        f'<span>来源：{agency}</span> <span>浏览次数：<em id="hits">{1000 + seed * 37}</em></span>'
        '<span class="font">【字体：<a href="javascript:setFontSize(18)">大</a> '
        '<a href="javascript:setFontSize(16)">中</a> '
        '<a href="javascript:setFontSize(14)">小</a>】</span></div>',
        '<div class="TRS_Editor" id="zoom">',
    ]
    for kind, content in blocks[1:]:
        if kind == "h":
            body.append(f'<p style="text-indent:2em;"><strong>{escape(str(content))}</strong></p>')
        elif kind == "p":
            if word:
                body.append(
                    f'<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt">'
                    '<span style="font-size:16.0pt;font-family:仿宋_GB2312">'
                    f"{escape(str(content))}</span></p>"
                )
            else:
                body.append(f'<p style="text-indent:2em;">{escape(str(content))}</p>')
        elif kind == "table" and isinstance(content, list):
            body.append(_html_table(content, word))
    footer = "".join(f'<a href="/f{i}/">{escape(n)}</a> | ' for i, n in enumerate(_FOOTER))
    body += [
        "</div>",
        '<div class="print"><a href="javascript:printPage()">【打印本页】</a> '
        '<a href="javascript:window.close()">【关闭窗口】</a></div>',
        "</div></div>",
        f'<div class="footer"><div class="links">{footer}</div>'
        f"<p>主办：{place}人民政府办公室　承办：{place}大数据中心</p>"
        f"<p>网站标识码：{3300000000 + seed}　备案号：浙ICP备{10000000 + seed}号</p></div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(head + body)


def _text(blocks: list[Block], agency: str, year: int, seed: int) -> str:
    lines = [
        f"索 引 号: | 11{seed:04d}00MB{seed:04d}/{year + 1}-{seed:05d} | "
        "分类: | 政府信息公开年报 |",
        f"发布机构: | {agency} | 成文日期: | {year + 1}-01-{10 + seed % 20} |",
    ]
    for kind, content in blocks:
        if kind == "table":
            rows = content if isinstance(content, list) else []
            lines.extend(" | ".join(text for text, _, _ in row) + " |" for row in rows)
        else:
            lines.append(str(content))
    return "\n".join(lines) + "\n"


def benchmark_pages(seed: int = 2024) -> list[BenchPage]:
    """The benchmark pages: three formats × UTF-8 and GBK × plain and Word-styled tables."""
    rng = random.Random(seed)
    pages: list[BenchPage] = []
    plan = [
        (fmt, enc, word)
        for fmt in ("legacy2014", "fmt2019", "fmt2021")
        for enc in ("utf-8", "gbk")
        for word in (False, True)
    ]
    for index, (fmt, enc, word) in enumerate(plan):
        agency, place = _AGENCIES[index % len(_AGENCIES)]
        year = {"legacy2014": 2016, "fmt2019": 2019, "fmt2021": 2022}[fmt] + index % 3
        paragraphs = rng.randint(90, 200) if not word else rng.randint(40, 110)
        blocks = _model(rng, fmt, agency, year, paragraphs)
        charset = "utf-8" if enc == "utf-8" else "gb2312"
        html = _html(blocks, charset, agency, place, year, index, word)
        text = _text(blocks, agency, year, index)
        codec = "utf-8" if enc == "utf-8" else "gb2312"
        name = f"{index:02d}_{fmt}_{enc}_{'word' if word else 'plain'}"
        pages.append(BenchPage(name, fmt, enc, html.encode(codec), text.encode(codec), blocks))
    return pages


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for page in benchmark_pages():
        (out / f"{page.name}.html").write_bytes(page.html)
        (out / f"{page.name}.txt").write_bytes(page.text)
        print(f"{page.name}: html {len(page.html) // 1024} KB, text {len(page.text) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
