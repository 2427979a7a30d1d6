"""The benchmark's messages: the shared test corpus, generated as a Maildir (CRLF line endings)
and read into memory once, so that reading files never slows the client down."""

import subprocess
import sys
from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "make_corpus.py"


def load(cache_dir, count):
    """The first `count` messages of the corpus, generated into `cache_dir/N` unless already
    there (a `complete` marker is written last, so an interrupted generation is redone)."""
    directory = Path(cache_dir) / f"corpus-{count}"
    marker = directory / "complete"
    if not marker.exists():
        if not GENERATOR.exists():
            raise FileNotFoundError(f"corpus generator not found at {GENERATOR}")
        print(f"Generating {count:,} corpus messages in {directory} ...", flush=True)
        subprocess.run([sys.executable, str(GENERATOR), "--count", str(count), "--maildir", str(directory)],
                       check=True, stdout=subprocess.DEVNULL)
        marker.write_text(f"{count}\n")
    names = sorted((directory / "cur").iterdir())
    if len(names) < count:
        raise RuntimeError(f"{directory} holds {len(names)} messages, {count} expected")
    return [path.read_bytes() for path in names[:count]]
