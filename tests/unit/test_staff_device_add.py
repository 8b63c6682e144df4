"""`sunbeon device add web-staff --role staff` (docs/deploy.md, a manager's 오늘 운영 변경): what it prints."""

from pathlib import Path

from tools import deploy
from wire import config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hall.toml"


def test_device_add_for_the_relays_staff_device_says_where_its_password_goes():
    # docs/deploy.md: the printed password goes to /etc/sunbeon/web-staff.password; `device add`
    # once printed only the password, with nothing on where the relay reads it.
    example = config.parse(EXAMPLE.read_text(encoding="utf-8"), "hall.toml")
    text = deploy.snippet(example, deploy.Added("web-staff", "staff", "pw-123"), Path("hall.toml"))
    assert "sudo tee /etc/sunbeon/web-staff.password" in text and "'pw-123'" in text
    assert "chmod 600 /etc/sunbeon/web-staff.password" in text and "systemctl restart sunbeon-web" in text
    # another staff desk (not the relay's) still gets just its password
    other = deploy.snippet(example, deploy.Added("staff-1", "staff", "pw-456"), Path("hall.toml"))
    assert "pw-456" in other and "sunbeon-web" not in other
