"""The certificates of a PEM text as DER, for the fuzz seed makers (fuzz_inputs.py under 2.7,
make_seeds.py under 3)."""
import base64


def pem_blocks(text, strict=True):
    """The DER bytes of each CERTIFICATE block of `text`. A block that is not base64 raises
    when `strict`, else it is skipped (system bundles may hold anything)."""
    out, cur = [], None
    for line in text.splitlines():
        if line.startswith("-----BEGIN CERTIFICATE"):
            cur = []
        elif line.startswith("-----END CERTIFICATE") and cur is not None:
            try:
                out.append(base64.b64decode("".join(cur)))
            except ValueError:
                if strict:
                    raise
            cur = None
        elif cur is not None:
            cur.append(line.strip())
    return out
