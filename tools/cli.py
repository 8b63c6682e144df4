"""`sunbeon`: the one command, with a subcommand per role and tool."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from wire import config as cfg

SWITCH_INTERVAL = 0.0005  # seconds

# Each box installs only its role's extra (pyproject.toml, docs/deploy.md), so a subcommand can
# miss a package another role needs: it says which extra to install in one line, not a traceback.
# The subcommands import their role lazily for this, so `sunbeon kiosk --help` works on a kiosk.
EXTRA_OF_COMMAND = {
    "hub": "hub",
    "device": "hub",
    "kiosk": "kiosk",
    "fake-printer": "kiosk",
    "display": "display",
    "web": "web",
    "passwd": "web",
    "report": "report",
    "notify": "notify",
}
# The packages that come only with an extra: a missing one is an install to do, not a bug.
OPTIONAL_PACKAGES = frozenset(
    {
        "sqlite_utils", "pyrsistent", "tomlkit", "pygame", "escpos", "serial", "usb", "PIL", "qrcode",
        "gpiozero", "fastapi", "starlette", "uvicorn", "uvloop", "httptools", "jinja2", "multipart",
        "python_multipart", "swagger_ui_bundle", "matplotlib", "openpyxl", "rich",
        "cryptography", "solapi", "pywebpush", "py_vapid", "http_ece", "httpx", "requests",
    }
)  # fmt: skip


def missing_extra(command: str, err: ModuleNotFoundError) -> str | None:
    """The one-line message for a subcommand whose role's extra is not installed, or None when the
    missing module is not one an extra brings (then it is a real bug and keeps its traceback)."""
    package = (err.name or "").split(".")[0]
    if package not in OPTIONAL_PACKAGES:
        return None
    extra = EXTRA_OF_COMMAND.get(command, "all")
    install = f"pip install 'sunbeon[{extra}]'"
    return f"sunbeon {command}: this box lacks the '{extra}' extra (no module {package!r}): {install}"


def _logging(verbose: bool) -> None:
    # Under systemd the journal stamps each line; elsewhere a time helps.
    fmt = (
        "%(levelname)s %(name)s: %(message)s"
        if os.environ.get("JOURNAL_STREAM")
        else "%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format=fmt, stream=sys.stderr)


def _config_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        "-c",
        type=Path,
        default=Path(os.environ.get("SUNBEON_CONFIG", cfg.DEFAULT_PATH)),
        help=f"the hall's config file (default {cfg.DEFAULT_PATH}, or $SUNBEON_CONFIG)",
    )


def _simulate_config(args: argparse.Namespace) -> Path:
    """The hall to simulate: --config, else $SUNBEON_CONFIG or the installed one, else the example hall
    of this checkout (a laptop has no /etc/sunbeon; the simulator is for trying things out)."""
    if args.config is not None:
        return args.config
    installed = Path(os.environ.get("SUNBEON_CONFIG", cfg.DEFAULT_PATH))
    example = Path(__file__).resolve().parents[1] / "examples" / "hall.toml"
    if installed.exists() or not example.exists():
        return installed
    print(f"sunbeon: no --config given and no {installed}: simulating the example hall {example}", file=sys.stderr)
    return example


def _check(args: argparse.Namespace) -> int:
    if cfg.is_device_file(cfg.read_toml(args.config)):  # a kiosk's or display's own file
        own = cfg.load_device(args.config).device
        print(
            f"{args.config}: OK — device {own.id} ({own.role}) of site {own.site}; "
            "the hall itself comes from the hub's description"
        )
        return 0
    hall = cfg.load(args.config)
    print(
        f"{args.config}: OK — {hall.site.name.ko} ({hall.site.id}), {len(hall.services)} services, "
        f"{len(hall.counters)} counters, {len(hall.devices)} devices"
    )
    return 0


def _hub(args: argparse.Namespace) -> int:
    from hub import bootstrap
    from hub.bus import SecondHub
    from hub.store import StoreError

    try:
        bootstrap.run(args.config, database=args.database)
    except StoreError as err:  # locked by another hub, damaged, unreadable: one line, no traceback
        print(f"sunbeon hub: {err}", file=sys.stderr)
        return 4
    except SecondHub as err:
        print(f"sunbeon hub: {err}", file=sys.stderr)
        return 5
    return 0


def _notify(args: argparse.Namespace) -> int:
    if args.secret:
        from tools.deploy import DeployError, write_secret

        hall = cfg.load(args.config)
        value = sys.stdin.readline().strip()  # never on the command line, where `ps` shows it
        try:
            write_secret(Path(hall.notify.secrets_file), args.secret, value)
        except (DeployError, OSError) as err:
            print(f"sunbeon notify: {err}", file=sys.stderr)
            return 2
        print(f"{args.secret} set in {hall.notify.secrets_file} (0640 root:sunbeon)")
        return 0
    if args.vapid:
        from notify.main import vapid_keys

        private, public = vapid_keys()
        print(f'secrets file:  vapid_private_key = "{private}"\n[notify.webpush] public_key = "{public}"')
        return 0
    if args.new_key:
        from notify.secrecy import new_key

        try:
            new_key(Path(args.new_key))
        except FileExistsError:
            print(f"sunbeon notify: {args.new_key} exists; a new key would make every stored contact unreadable",
                  file=sys.stderr)  # fmt: skip
            return 2
        print(f"wrote {args.new_key} (0600): only the notifier may read it (docs/notify.md)")
        return 0
    from notify.main import run

    return run(args.config)


def _demo(args: argparse.Namespace) -> int:
    if args.city:
        from tools import demo_city

        return demo_city.run(halls=args.city_halls, port=args.port or None, minutes=args.minutes, out=args.out)
    from tools import demo

    return demo.run(
        args.config,
        speed=args.speed,
        start=args.start,
        duration=args.duration,
        minutes=args.minutes,
        port=args.port,
        out=args.out,
        board=args.board,
    )


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
        return width, height
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1080x1920") from None


def _role_clock(speed: float) -> None:
    """`--speed` on a role run by hand: its hall clock runs that fast from now (the demo sets
    SUNBEON_CLOCK instead, so every role shares one day)."""
    import time

    from wire import clock

    if speed != 1.0 and not clock.current().virtual:
        if not 0 < speed <= clock.MAX_SPEED:
            raise SystemExit(f"sunbeon: --speed must be above 0 and at most {clock.MAX_SPEED:g}")
        real = time.time()
        clock.use(clock.HallClock(real, speed, real))


def _kiosk(args: argparse.Namespace) -> int:
    from kiosk import main

    _role_clock(args.speed)
    return main.run(
        args.config, args.device, window=args.window, visitors_per_hour=args.simulate_visitors, speed=args.speed
    )


def _display(args: argparse.Namespace) -> int:
    from display import main

    _role_clock(args.speed)
    if args.for_:
        # The systemd template's instance: "hall", or a counter id.
        args.mode, args.counter = ("hall", None) if args.for_ == "hall" else ("counter", args.for_)
    if not args.mode:
        raise SystemExit("sunbeon display needs --mode counter|hall (or --for hall|COUNTER)")
    if args.mode == "counter" and not args.counter:
        raise SystemExit("sunbeon display --mode counter needs --counter ID")
    return main.run(
        args.config,
        mode=args.mode,
        counter=args.counter,
        device=args.device,
        window=args.window,
        clerk=args.simulate_clerk,
        speed=args.speed,
    )


def _web(args: argparse.Namespace) -> int:
    if args.city:
        from city import main as city_main

        return city_main.run(args.city, host=args.host, port=args.port)
    from web import main

    return main.run(args.config, host=args.host, port=args.port)


def _city_report(args: argparse.Namespace) -> int:
    from city import config as city_config
    from city import report as city_report
    from city.store import SummaryStore

    database = args.database or (city_config.load(args.city_config).database if args.city_config else None)
    if not database or not Path(database).exists():
        print(f"sunbeon: no city database at {database} (--database, or --city-config)", file=sys.stderr)
        return 2
    prefix = args.month or args.date
    if not prefix:
        print("sunbeon: --date YYYY-MM-DD or --month YYYY-MM", file=sys.stderr)
        return 2
    rows = SummaryStore(database).rows(prefix)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tables = {t: city_report.compare(rows, t) for t in city_report.tasks(rows)}
    title = f"{prefix} 민원실 비교 · halls compared"
    (out / f"city-{prefix}.md").write_text(
        "\n".join(city_report.markdown(table, f"{title} ({task})") for task, table in tables.items()), encoding="utf-8"
    )
    (out / f"city-{prefix}.csv").write_text(city_report.csv_text(tables["all"]), encoding="utf-8")
    (out / f"city-{prefix}.xlsx").write_bytes(city_report.xlsx_bytes(tables))
    (out / f"city-{prefix}.png").write_bytes(city_report.chart_png(tables["all"], title))
    print(city_report.markdown(tables["all"], title))
    print(f"written to {out}/city-{prefix}.{{md,csv,xlsx,png}}")
    return 0


def _report_login(value: str) -> str:
    from city.config import LOGIN

    if not LOGIN.match(value):
        raise argparse.ArgumentTypeError("lower-case letters, digits, '.', '-' and '_' (at most 32)")
    return value


def _passwd(args: argparse.Namespace) -> int:
    import getpass

    from web.auth import hash_password

    whom = f"report login {args.report}" if args.report else f"counter {args.counter}"
    password = getpass.getpass(f"password for {whom}: ")
    if len(password) < 8:
        print("sunbeon: use at least 8 characters", file=sys.stderr)
        return 2
    if getpass.getpass("again: ") != password:
        print("sunbeon: the two did not match", file=sys.stderr)
        return 2
    if args.report:  # the city report console (city.toml, docs/city.md)
        print("# add to city.toml:")
        print(f'[[report.users]]\nlogin = "{args.report}"\npassword_hash = "{hash_password(password)}"')
        return 0
    # Not "under [web]": pasted right below that line, the lines would take [web]'s own settings into the entry.
    print("# add to the config file after [web] and all its settings (the end of the file will do):")
    print(f'[[web.clerks]]\ncounter = "{args.counter}"\npassword_hash = "{hash_password(password)}"')
    print("# manager = true   # only the 민원실장's or 팀장's login: 오늘 운영 변경 (needs [web] staff_device)")
    return 0


def _device(args: argparse.Namespace) -> int:
    from pathlib import Path as P

    from tools import deploy

    files = {"password_file": P(args.password_file), "acl_file": P(args.acl_file)}
    try:
        if args.action == "add":
            added = deploy.add(
                args.config, args.device, args.role, counter=args.counter, login_only=args.login, **files
            )
            print(deploy.snippet(cfg.load(args.config), added, args.config, host=args.broker_host))
        elif args.action == "remove":
            deploy.remove(args.config, args.device, **files)
            print(f"{args.device} removed: its login, its config entry and its ACL lines are gone.")
        else:
            hall = cfg.load(args.config)
            have = deploy.logins(files["password_file"])
            print(f"{'device':<16}{'role':<9}{'counter':<9}broker login")
            for d in hall.devices:
                login = "yes" if d.id in have else f"NO (sunbeon device add {d.id} --role {d.role})"
                print(f"{d.id:<16}{d.role:<9}{d.counter or '':<9}{login}")
            print(f"{'hub':<16}{'hub':<9}{'':<9}{'yes' if 'hub' in have else 'NO (sunbeon device add hub --role hub)'}")
            return 0
    except deploy.DeployError as err:
        print(f"sunbeon: {err}", file=sys.stderr)
        return 2
    if not args.no_reload:
        print(deploy.reload_broker())
    return 0


def _bridge(args: argparse.Namespace) -> int:
    import secrets

    from tools import bridge, deploy

    try:
        if args.action == "add":
            site = args.site or cfg.load(args.config).site.id
            password = args.password or (Path(args.password_file).read_text().strip() if args.password_file else "")
            link = bridge.HallBridge(
                site=site,
                host=args.central_host,
                port=args.central_port,
                password=password,
                cafile=args.cafile,
                city_site=args.city_site,
                places=args.places,
                tunnel=not args.mosquitto_tls,  # Mosquitto 2.0.11's own TLS bridge never recovers from an outage
            )
            out = Path(args.out or "/etc/mosquitto/conf.d/sunbeon-city.conf")
            tunnel_out = Path("/etc/stunnel/sunbeon-city.conf")
            if args.out:
                tunnel_out = out.parent / "stunnel-sunbeon-city.conf"
            for written in bridge.write_hall(link, out, tunnel_out):
                print(f"{written} written")
            if link.tunnel:
                print("start the TLS tunnel: systemctl enable --now stunnel@sunbeon-city")
            print("reload the hall broker (systemctl restart mosquitto): bridges are not reloaded")
            return 0
        central = bridge.Central(
            sites=tuple(args.site_list),
            port=args.port,
            certfile=args.certfile,
            keyfile=args.keyfile,
            password_file=args.password_file or "/etc/mosquitto/sunbeon-city.passwd",
            acl_file=args.acl_file,
        )
        for site in central.sites:
            login = bridge.hall_login(site)
            if login not in deploy.logins(Path(central.password_file)):
                password = secrets.token_urlsafe(18)
                deploy.set_login(Path(central.password_file), login, password)
                print(f"{login}: password {password} (give it to the hall: sunbeon bridge add --password-file ...)")
        for written in bridge.write_central(central, Path(args.out) if args.out else None):
            print(f"{written} written")
        return 0
    except (bridge.BridgeError, deploy.DeployError, OSError) as err:
        print(f"sunbeon: {err}", file=sys.stderr)
        return 2


def _simulate(args: argparse.Namespace) -> int:
    from tools import simulate

    if not args.verbose:  # a laptop tool: the table, not 160 lines of the roles' connects and refusals (-v shows them)
        logging.getLogger("sunbeon").setLevel(logging.WARNING)
    hall = cfg.load(_simulate_config(args))
    table = simulate.read_arrivals(args.arrivals) if args.arrivals else None
    counters = args.counters or len(hall.counters)
    if args.target_wait:
        found = simulate.counters_needed(hall, args.target_wait, seed=args.seed, table=table)
        if found is None:
            print(
                f"even all {len(hall.counters)} counters leave the 90th-percentile wait over {args.target_wait:g} min"
            )
            return 1
        n, result = found
        print(f"open {n} counters to keep 9 in 10 visitors' wait under {args.target_wait:g} min:")
        print(simulate.report_day(result))
        return 0
    if args.bookings:  # appointments (issue 15): booked and walk-in waits, with and without bookings
        if not 0 < args.bookings < 1:
            print("sunbeon: --bookings is a share between 0 and 1, e.g. 0.3", file=sys.stderr)
            return 2
        seeds = list(range(args.seed, args.seed + (args.seeds or 1)))
        days = simulate.compare_bookings(hall, counters=counters, share=args.bookings, seeds=seeds, table=table)
        print(simulate.report_bookings(days, args.bookings, seeds))
        return 0
    if args.compare:
        # One seed is one draw of arrivals and service times: a task can look worse with one queue by
        # chance, so the comparison runs several days and shows the spread.
        seeds = list(range(args.seed, args.seed + (args.seeds or 5)))
        runs = simulate.compare(hall, counters=counters, seeds=seeds, table=table)
        print(simulate.report_compare(hall, runs, seeds))
        return 0
    print(simulate.report_day(simulate.run_day(hall, counters=counters, seed=args.seed, table=table)))
    return 0


def _report(args: argparse.Namespace) -> int:
    if args.city:
        return _city_report(args)
    from pathlib import Path as P

    from hub import report
    from hub.domain import calendar
    from wire import clock

    hall = cfg.load(args.config)
    date = args.date or calendar.business_date(clock.now(), hall.site)  # SUNBEON_CLOCK's day, or today
    try:
        rows = report.read_day(args.database or hall.hub.database, date)
    except FileNotFoundError as err:
        print(f"sunbeon: {err}", file=sys.stderr)
        return 2
    if not rows:
        print(f"sunbeon: no tickets on {date} in {args.database or hall.hub.database}", file=sys.stderr)
        return 1
    day = report.build(rows, date, hall.site.timezone)
    day.bookings = report.booking_counts(report.read_bookings(args.database or hall.hub.database, date), rows)
    names = {s.id: s.name.ko for s in hall.services}
    text = report.markdown(day, names)
    out = P(args.out) / date
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(text, encoding="utf-8")
    full = report.task_names(hall)
    files = report.write_csv(rows, day, out, full, hall.site.timezone)
    files.append(report.write_xlsx(rows, day, out / f"day-{date}.xlsx", full, hall.site.timezone))
    files += report.charts(day, names, out)
    print(text)
    print("written: " + ", ".join(str(f) for f in [out / "report.md", *files]))
    return 0


def _fake_printer(args: argparse.Namespace) -> int:
    import signal
    import threading

    from hardware.fakes import FakeNetworkPrinter
    from wire import stopping

    printer = FakeNetworkPrinter(args.port, host=args.host, out_dir=args.out)
    printer.paper = args.paper
    print(
        f"fake ESC/POS printer on {printer.host}:{printer.port}, tickets to {args.out} "
        f"(paper {printer.paper}; kill -USR1 {os.getpid()} toggles paper out)",
        flush=True,
    )

    def toggle(*_: object) -> None:
        printer.paper = "ok" if printer.paper == "out" else "out"
        print(f"paper now {printer.paper}", flush=True)

    signal.signal(signal.SIGUSR1, toggle)
    stop = threading.Event()
    stopping.stop_on_signals(stop, (signal.SIGTERM,))  # no lock taken in the handler (wire/stopping.py)
    try:
        stop.wait()
    finally:
        printer.close()
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(prog="sunbeon", description="Sunbeon (순번): queue tickets for a civil-service hall")
    top.add_argument("-v", "--verbose", action="store_true")
    sub = top.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate a config file")
    _config_arg(check)
    check.set_defaults(run=_check)

    hub = sub.add_parser("hub", help="run the hub (the hall's one ticket authority)")
    _config_arg(hub)
    hub.add_argument("--database", help="SQLite file (default: [hub] database in the config)")
    hub.set_defaults(run=_hub)

    kiosk = sub.add_parser("kiosk", help="run a ticket kiosk (touch screen and printer)")
    _config_arg(kiosk)
    kiosk.add_argument(
        "--device",
        help="this kiosk's device id, e.g. kiosk-1 (needed with the hall's whole file; a device file names it)",
    )
    kiosk.add_argument(
        "--window", type=_size, help="run in a window of this size (e.g. 1080x1920) instead of fullscreen"
    )
    kiosk.add_argument(
        "--simulate-visitors",
        type=float,
        default=0,
        metavar="PER_HOUR",
        help="demo: simulated visitors tap the screen, this many an hour",
    )
    kiosk.add_argument("--speed", type=float, default=1.0, help="demo: simulate this many times faster than life")
    kiosk.set_defaults(run=_kiosk)

    display = sub.add_parser("display", help="run a counter monitor (with its buttons) or the hall board")
    _config_arg(display)
    display.add_argument("--mode", choices=["counter", "hall"])
    display.add_argument(
        "--for", dest="for_", metavar="hall|COUNTER", help="hall board, or the monitor of this counter"
    )
    display.add_argument("--counter", help="the counter this monitor sits above (counter mode)")
    display.add_argument(
        "--device", help="device id (a device file names it; in the hall's whole file: counter-ID or hall-display)"
    )
    display.add_argument("--window", type=_size, help="run in a window of this size instead of fullscreen")
    display.add_argument("--simulate-clerk", action="store_true", help="demo: a simulated clerk presses the buttons")
    display.add_argument("--speed", type=float, default=1.0, help="demo: simulate this many times faster than life")
    display.set_defaults(run=_display)

    web = sub.add_parser("web", help="run the web relay: status page, ticket pages, clerk console")
    _config_arg(web)
    web.add_argument("--host", help="listen address (default: [web] host)")
    web.add_argument("--port", type=int, help="listen port (default: [web] port)")
    web.add_argument("--city", metavar="CITY_TOML", help="run the city relay instead (docs/city.md)")
    web.set_defaults(run=_web)

    notify = sub.add_parser("notify", help="run the notifier: staged 알림톡/SMS and Web Push to waiting visitors")
    _config_arg(notify)
    notify.add_argument("--new-key", metavar="PATH", help="write a new encryption key for contacts and exit")
    notify.add_argument("--vapid", action="store_true", help="print a new Web Push (VAPID) key pair and exit")
    notify.add_argument("--secret", metavar="NAME", help="set one provider secret (value on stdin) and exit")
    notify.set_defaults(run=_notify)

    passwd = sub.add_parser("passwd", help="make a clerk console (or city report) password hash for the config")
    whom = passwd.add_mutually_exclusive_group(required=True)
    whom.add_argument("--counter", help="a counter's clerk login (hall config, [[web.clerks]])")
    whom.add_argument("--report", metavar="LOGIN", type=_report_login, help="a city report login (city.toml)")
    passwd.set_defaults(run=_passwd)

    device = sub.add_parser("device", help="add, remove or list the hall's devices and their broker logins")
    device.add_argument("action", choices=["add", "remove", "list"])
    device.add_argument("device", nargs="?", help="device id, e.g. kiosk-1 (or hub, for the hub's login)")
    _config_arg(device)
    device.add_argument("--role", choices=["kiosk", "counter", "display", "web", "staff", "hub", "notify"])
    device.add_argument("--counter", help="the counter a counter device operates")
    device.add_argument("--password-file", default="/etc/mosquitto/sunbeon.passwd")
    device.add_argument("--acl-file", default="/etc/mosquitto/sunbeon.acl")
    device.add_argument("--no-reload", action="store_true", help="do not reload Mosquitto")
    device.add_argument(
        "--broker-host",
        help="add: the address devices reach this box's broker at, for the device file "
        "(default: [mqtt] host, or this box's name when that is localhost)",
    )
    device.add_argument(
        "--login",
        action="store_true",
        help="add: give a device already in the config a (new) broker login, nothing else",
    )
    device.set_defaults(run=_device)

    br = sub.add_parser("bridge", help="the city link: the hall broker's bridge, or the central broker's config")
    br.add_argument("action", choices=["add", "central"])
    _config_arg(br)
    br.add_argument("--site", help="add: the hall's site id (default: the config's)")
    br.add_argument("--sites", dest="site_list", nargs="*", default=[], help="central: every hall's site id")
    br.add_argument("--city-site", help="add: the id the city knows this hall by (default: its own)")
    br.add_argument("--central-host", default="city.example.go.kr")
    br.add_argument("--central-port", type=int, default=8883)
    br.add_argument("--password", help="add: the hall's central password (prefer --password-file)")
    br.add_argument("--password-file", help="add: file with the hall's central password; central: the passwd file")
    br.add_argument("--cafile", default="/etc/mosquitto/certs/city-ca.crt", help="the CA of the central's cert")
    br.add_argument("--places", action="store_true", help="add: also send state/places (city ticket pages)")
    br.add_argument(
        "--mosquitto-tls",
        action="store_true",
        help="add: TLS by Mosquitto's own bridge, no stunnel (Mosquitto 2.0.11's does not recover from an outage)",
    )
    br.add_argument("--port", type=int, default=8883, help="central: the TLS listener for the halls")
    br.add_argument("--certfile", default="/etc/mosquitto/certs/city.crt")
    br.add_argument("--keyfile", default="/etc/mosquitto/certs/city.key")
    br.add_argument("--acl-file", default="/etc/mosquitto/sunbeon-city.acl")
    br.add_argument(
        "--out", help="add: the bridge file (default /etc/mosquitto/conf.d/sunbeon-city.conf); central: a folder"
    )
    br.set_defaults(run=_bridge)

    sim = sub.add_parser("simulate", help="simulate a hall day on the real hub: waits per task, counters needed")
    sim.add_argument(
        "--config",
        "-c",
        type=Path,
        default=None,
        help=f"the hall's config file (default $SUNBEON_CONFIG or {cfg.DEFAULT_PATH}; "
        "without either, this checkout's examples/hall.toml)",
    )
    sim.add_argument("--arrivals", help="CSV of hour,service,count (default: a weekday profile)")
    sim.add_argument("--counters", type=int, help="open the first N counters (default: all)")
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument(
        "--compare", action="store_true", help="integrated vs per-window queues on the same days, over --seeds days"
    )
    sim.add_argument(
        "--seeds",
        type=int,
        default=None,
        choices=range(1, 51),
        metavar="N",
        help="--compare / --bookings: how many days (seeds from --seed on) to run (default 5 / 1)",
    )
    sim.add_argument(
        "--target-wait",
        type=float,
        metavar="MINUTES",
        help="find how many counters keep the 90th-percentile wait under this",
    )
    sim.add_argument(
        "--bookings",
        type=float,
        metavar="SHARE",
        help="a day where this share of visitors books (e.g. 0.3), against the same visitors all walking in;"
        " runs --seeds days when --seeds is given, else one",
    )
    sim.set_defaults(run=_simulate)

    rep = sub.add_parser("report", help="a business day's figures from the hub's database: tables, CSV, charts")
    _config_arg(rep)
    rep.add_argument("--date", help="the business day, YYYY-MM-DD (default: today)")
    rep.add_argument("--database", help="default: [hub] database in the config")
    rep.add_argument("--city", action="store_true", help="compare the city's halls (the city relay's database)")
    rep.add_argument("--city-config", help="--city: the city relay's config (for its database)")
    rep.add_argument("--month", help="--city: compare a month, YYYY-MM")
    rep.add_argument("--out", default="reports", help="folder for report.md, CSV and charts (default ./reports)")
    rep.set_defaults(run=_report)

    fake = sub.add_parser("fake-printer", help="a network ESC/POS printer that saves each ticket as a PNG")
    fake.add_argument("--port", type=int, default=9100)
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--out", default="tickets", help="folder for the ticket PNGs (default ./tickets)")
    fake.add_argument("--paper", choices=["ok", "low", "out"], default="ok", help="what the paper sensor reports")
    fake.set_defaults(run=_fake_printer)

    demo = sub.add_parser("demo", help="a whole hall on this machine, with simulated visitors and clerks")
    _config_arg(demo)
    demo.add_argument(
        "--speed",
        type=float,
        default=60.0,
        help="the hall's day runs this many times faster than life (default 60: 09:00–18:00 in 9 minutes)",
    )
    demo.add_argument(
        "--start",
        metavar="[DATE][THH:MM]",
        help="when the demo's day starts: 09:30, 2026-11-23 or 2026-11-23T09:30 "
        "(default 08:50 of the next day the hall is open)",
    )
    demo.add_argument(
        "--duration",
        metavar="close|90m|3h|0",
        default="close",
        help="hall time to run: until the hall closes and the last visitor is served (default), "
        "a length like 90m or 3h, or 0 for until Ctrl-C",
    )
    demo.add_argument("--minutes", type=float, default=0, help="also stop after this many real minutes")
    demo.add_argument(
        "--board",
        choices=["auto", "live", "lines"],
        default="auto",
        help="the terminal view: redrawn in place (live), a line per half hour (lines), "
        "or live on a terminal only (auto)",
    )
    demo.add_argument("--port", type=int, default=0, help="broker port (default: a free one)")
    demo.add_argument("--city", action="store_true", help="a city: simulated halls bridged to a central broker")
    demo.add_argument("--city-halls", type=int, default=6, help="--city: how many simulated halls (default 6)")
    demo.add_argument(
        "--out",
        default="out/demo",
        help="folder for the demo's runs: each run writes a fresh run-… folder in it (and a 'latest' link)",
    )
    demo.set_defaults(run=_demo)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `sunbeon` command."""
    args = parser().parse_args(argv)
    if getattr(args, "run", None) is _device and args.action != "list" and not args.device:
        parser().error(f"device {args.action} needs a device id")
    if getattr(args, "run", None) is _device and args.action == "add" and not args.role:
        parser().error("device add needs --role")
    _logging(args.verbose)
    from wire import clock

    try:
        clock.check_env()
    except clock.ClockError as err:
        print(f"sunbeon: {clock.ENV}: {err}", file=sys.stderr)
        return 2
    # Every role hands messages between paho's network thread and its own; with the default
    # 5 ms GIL switch interval a reply or a call can wait that long for its thread to run.
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        return args.run(args)
    except cfg.ConfigError as err:
        print(f"sunbeon: config error: {err}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as err:
        message = missing_extra(args.command, err)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return 6
    except Exception as err:
        from hardware import HardwareError

        if isinstance(err, HardwareError):
            print(f"sunbeon: {err}", file=sys.stderr)
            return 3
        raise
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
