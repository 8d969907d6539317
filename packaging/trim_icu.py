"""Build a smaller libicudata for the frozen build (Linux): ICU's data without the locale display names.

PySide6's Qt links ICU, whose data library is 31 MB: a third of the frozen build. Qt uses ICU for collation,
break iteration, case mapping and text codecs, and takes everything a locale shows (numbers, dates, names of
languages, countries, currencies, units and time zones) from its own CLDR tables. So the ICU trees that only
hold those display names, the number spell-out rules and the transliterators are left out; the root and
English entries of each tree stay so that ICU's fallback chain still ends somewhere.

Uses `icupkg` (Debian: icu-devtools; its format reads newer ICU data too) and a C compiler to wrap the
trimmed data as a library exporting the same symbol. Called by tbdesk.spec; runnable alone for a look:
    python packaging/trim_icu.py PATH/TO/libicudata.so.NN OUTDIR
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

DISPLAY_TREES = ("curr", "lang", "region", "unit", "zone", "rbnf")  # names shown to people; Qt has its own
DROPPED_TREES = ("translit",)  # transliterators: Qt never asks for them
KEEP_IN_TREE = re.compile(r"^(root|en|en_US|en_GB|en_001|res_index|pool)\.res$")


def _data_symbol(lib: Path) -> tuple[str, int, int]:
    """The exported data symbol (icudtNN_dat), its file offset and its size."""
    symbols = subprocess.run(["readelf", "-W", "--dyn-syms", str(lib)], capture_output=True, text=True, check=True)
    sections = subprocess.run(["readelf", "-W", "-S", str(lib)], capture_output=True, text=True, check=True)
    name, address, size = "", 0, 0
    for line in symbols.stdout.splitlines():
        fields = line.split()
        if fields and re.fullmatch(r"icudt\d+_dat", fields[-1]):
            name, address, size = fields[-1], int(fields[1], 16), int(fields[2], 0)
    if not name:
        raise RuntimeError(f"{lib} exports no icudtNN_dat symbol")
    for line in sections.stdout.splitlines():
        fields = line.split("]", 1)[-1].split()
        if fields and fields[0] == ".rodata":
            section_address, section_offset = int(fields[2], 16), int(fields[3], 16)
            return name, section_offset + address - section_address, size
    raise RuntimeError(f"{lib} has no .rodata section")


def _dropped(item: str) -> bool:
    tree, _, leaf = item.partition("/")
    if not leaf:
        return False
    return tree in DROPPED_TREES or (tree in DISPLAY_TREES and not KEEP_IN_TREE.match(leaf))


def trimmed_icudata(lib: Path, workdir: Path) -> Path:
    """Write a trimmed copy of `lib` (same file name and soname) into `workdir` and return its path."""
    icupkg, cc = shutil.which("icupkg"), shutil.which("cc")
    if not icupkg or not cc:
        raise RuntimeError("trimming ICU data needs icupkg (apt-get install icu-devtools) and a C compiler")
    workdir.mkdir(parents=True, exist_ok=True)
    symbol, offset, size = _data_symbol(lib)
    package = workdir / f"{symbol.removesuffix('_dat')}l.dat"
    with lib.open("rb") as f:
        f.seek(offset)
        package.write_bytes(f.read(size))
    items = subprocess.run([icupkg, "-l", str(package)], capture_output=True, text=True, check=True).stdout.split()
    drop = workdir / "drop.txt"
    drop.write_text("\n".join(item for item in items if _dropped(item)) + "\n")
    subprocess.run([icupkg, "-r", str(drop), str(package)], check=True, capture_output=True)
    source = workdir / "icudata.S"
    source.write_text(
        f".section .rodata\n.global {symbol}\n.type {symbol}, @object\n.balign 16\n{symbol}:\n"
        f'.incbin "{package.name}"\n.size {symbol}, .-{symbol}\n.section .note.GNU-stack,"",@progbits\n'
    )
    out = workdir / lib.name
    subprocess.run(
        [cc, "-shared", "-nostdlib", f"-Wl,-soname,{lib.name}", "-o", str(out), source.name],
        cwd=workdir,
        check=True,
    )
    return out


if __name__ == "__main__":
    result = trimmed_icudata(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{result}: {Path(sys.argv[1]).stat().st_size // 1024} KiB -> {result.stat().st_size // 1024} KiB")
