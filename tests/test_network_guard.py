import socket

import pytest


def test_non_local_connection_is_refused() -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(RuntimeError, match="network"):
        s.connect(("192.0.2.1", 80))
    s.close()
