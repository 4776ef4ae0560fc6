#!/usr/bin/env python3
"""A copy of the example project with N partners, for the scale benchmark and for looking at
layouts at other sizes: the example's first N provinces (N < 3), or all three and then
generated ones made from Hubei's facts under other names (long and short, provinces, a corps,
enterprises), as the test suite's `with_partners` makes them. Generated partners have no
Tibetan translation: build them with `--edition zh`.

    benches/partners.py N DEST          (DEST must not exist)
"""
import re
import shutil
import sys
from pathlib import Path

NAMES = [
    ("内蒙古", "内蒙古自治区"), ("兵团", "新疆生产建设兵团"), ("央企", "中央企业"),
    ("上海", "上海市"), ("黑龙江", "黑龙江省"), ("广西", "广西壮族自治区"), ("重庆", "重庆市"),
    ("江苏", "江苏省"), ("福建", "福建省"), ("河北", "河北省"), ("辽宁", "辽宁省"),
    ("吉林", "吉林省"), ("天津", "天津市"), ("浙江", "浙江省"),
]
EXAMPLE = ["hubei", "hunan", "anhui"]


def main() -> None:
    n, dest = int(sys.argv[1]), Path(sys.argv[2])
    here = Path(__file__).resolve().parent.parent
    dest.mkdir(parents=True)
    for entry in ["yarlung.yaml", "data", "templates", "images"]:
        src = here / entry
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / entry)
    keep = EXAMPLE[:n]
    for gone in EXAMPLE[n:]:
        (dest / f"data/provinces/{gone}.yaml").unlink()
    if n < 3:
        prune(dest, keep)
    hubei = (here / "data/provinces/hubei.yaml").read_text(encoding="utf-8")
    for i in range(3, n):
        name, full = NAMES[(i - 3) % len(NAMES)]
        if i - 3 >= len(NAMES):
            name, full = f"{name}{i}", f"{full}{i}"
        pid = f"partner-{i:03d}"
        text = (hubei.replace("id: hubei", f"id: {pid}")
                .replace("order: 1\n", f"order: {i + 1}\n")
                .replace("name: 湖北\n", f"name: {name}\n")
                .replace("full-name: 湖北省", f"full-name: {full}")
                .replace("team: 湖北省第十批援藏工作队", f"team: {full}援藏工作队"))
        (dest / f"data/provinces/{pid}.yaml").write_text(text, encoding="utf-8")


def prune(dest: Path, keep: list) -> None:
    """Drops the headline numbers, charts and figures of the provinces left out."""
    known = lambda key: any(key.startswith(p + ".") for p in keep)  # noqa: E731
    project = dest / "data/project.yaml"
    text = project.read_text(encoding="utf-8")
    text = re.sub(r"^  - (hubei|hunan|anhui)\.\S+\n",
                  lambda m: m.group(0) if known(m.group(0)[4:].strip()) else "", text, flags=re.M)
    text = re.sub(r"^  - metrics: \[([^\]]*)\]\n(    total: true\n)?",
                  lambda m: m.group(0) if all(known(k.strip()) for k in m.group(1).split(",")) else "",
                  text, flags=re.M)
    project.write_text(text, encoding="utf-8")
    figures = dest / "data/figures.yaml"
    blocks = re.split(r"(?m)^(?=- id: )", figures.read_text(encoding="utf-8"))
    dropped = [re.search(r"- id: (\S+)", b).group(1) for b in blocks[1:]
               if re.search(r"province: (\S+)", b).group(1) not in keep]
    figures.write_text("".join(b for b in blocks if not any(f"- id: {d}\n" in b for d in dropped)),
                       encoding="utf-8")
    config = dest / "yarlung.yaml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    config.write_text("".join(l for l in lines if not any(l.strip().startswith(d + ":") for d in dropped)),
                      encoding="utf-8")


if __name__ == "__main__":
    main()
