"""openapi-python-client's CLI with one naming fix, run by generate.py.

Why: upstream's sanitize() drops "[" and "]", so the query parameters page[size], page[number],
sort[field] and sort[asc] become the keyword arguments pagesize, pagenumber, sortfield and
sortasc. Treating the brackets as word delimiters gives page_size, page_number, sort_field and
sort_asc. Only Python names change; the wire names stay as the spec says. Pinned to
openapi-python-client 0.29.1 (requirements/dev.txt); the assert catches an upstream rename.
"""

from openapi_python_client import strings
from openapi_python_client.cli import app

assert strings.DELIMITERS == r"\. _-", "openapi-python-client changed DELIMITERS; revisit opc.py"
strings.DELIMITERS = r"\. _-[]"

if __name__ == "__main__":
    app(prog_name="openapi-python-client")
