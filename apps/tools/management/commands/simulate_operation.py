"""Replay an action week like ARMSTRONG VII against a running server.

    .venv/bin/python manage.py simulate_operation --url http://127.0.0.1:8000 --duration 300

Set-up happens in the database the server uses (the same DATABASE_URL): the
operation (load_demo if it is missing) and the simulated officers with their
tokens. Everything after that goes through the server: the analyst uploads a
year of earlier seizures and defines the risk indicators over REST, then
hundreds of officers at postal hubs score parcels, open the risky ones and post
checks and hits over REST and the room socket, while listeners on room, alert
and dashboard sockets time what reaches them. Prints the achieved rates,
latencies and each indicator's effectiveness.
"""

import asyncio
import io
import json
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts.models import AgencyKind, Officer, Role
from apps.accounts.services import token_issue
from apps.operations.models import Operation, Phase, Room
from apps.tools.simulation import Http, Hub, Plan, Simulation, multipart
from apps.tools.synthetic import Generator, write_rows

INDICATORS = [
    {
        "name": "Origin on a known firearms route",
        "kind": "origin_country",
        "weight": 15,
        "params": {"countries": ["US", "TR", "UA", "RS"]},
        "explanation": "Most firearms and parts seized in the post last year came from these.",
    },
    {
        "name": "Declared as audio or parts",
        "kind": "declared_content",
        "weight": 20,
        "params": {
            "words": [
                "audio*",
                "speaker*",
                "spare parts",
                "metal parts",
                "machine parts",
                "airsoft*",
                "hunting*",
                "tools",
            ]
        },
        "explanation": "Frames, slides and barrels travel declared as speakers and spare parts.",
    },
    {
        "name": "Weight of a pistol or its parts",
        "kind": "weight_range",
        "weight": 10,
        "params": {"min_g": 800, "max_g": 3000},
        "explanation": "0.8 to 3 kg.",
    },
    {
        "name": "Dark-web purchase",
        "kind": "dark_web",
        "weight": 35,
        "params": {},
        "explanation": "Marketplace, vendor handle, crypto payment or an anonymous mailbox.",
    },
    {
        "name": "Selector seen in earlier seizures",
        "kind": "earlier_selector",
        "weight": 50,
        "params": {},
        "explanation": "Tracking number, phone, e-mail or address of an earlier case.",
    },
    {
        "name": "Person seen in earlier seizures",
        "kind": "earlier_person",
        "weight": 40,
        "params": {"min_score": 0.8},
        "explanation": "Sender or recipient named in an earlier case.",
    },
    {
        "name": "Express courier",
        "kind": "carrier",
        "weight": 5,
        "params": {"carriers": ["UPS", "FedEx", "DHL*", "EMS"]},
        "explanation": "Fast and tracked: favoured by vendors.",
    },
]


class Command(BaseCommand):
    help = "Replay an action week against a running server through the REST API and sockets."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--origin", help="Origin header of the sockets (default: --url)")
        parser.add_argument("--operation", default="ARMSTRONG VII")
        parser.add_argument("--officers", type=int, default=416, help="officers at postal hubs")
        parser.add_argument(
            "--parcels", type=int, default=42_124, help="parcels checked in the week"
        )
        parser.add_argument(
            "--duration",
            type=float,
            default=300.0,
            help="seconds the five days are replayed in (the speed)",
        )
        parser.add_argument("--concurrency", type=int, default=32, help="scans in flight at once")
        parser.add_argument(
            "--batch-mean", type=int, default=20, help="parcels per scan, on average"
        )
        parser.add_argument(
            "--threshold", type=float, default=40.0, help="score at which a parcel is opened"
        )
        parser.add_argument(
            "--earlier", type=int, default=2000, help="earlier seizures to upload (0: none)"
        )
        parser.add_argument(
            "--linked-share",
            type=float,
            default=0.02,
            help="share of parcels tied to a person of the earlier seizures",
        )
        parser.add_argument(
            "--ws-share", type=float, default=0.5, help="share of reports posted over the socket"
        )
        parser.add_argument(
            "--listeners", type=int, default=40, help="officers listening on the room socket"
        )
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--json", type=Path, help="write the figures here too")

    def handle(self, *args, **options):
        hubs, operation, room, analyst, coordinator, listeners = self._setup(options)
        generator = Generator(seed=options["seed"])
        plan = Plan(
            url=options["url"].rstrip("/"),
            origin=options["origin"] or options["url"].rstrip("/"),
            operation=operation.pk,
            hubs=hubs,
            analyst_token=analyst,
            coordinator_token=coordinator,
            listener_tokens=[(token, room.pk) for token in listeners],
            parcels=options["parcels"],
            duration=options["duration"],
            concurrency=options["concurrency"],
            batch_mean=options["batch_mean"],
            threshold=options["threshold"],
            ws_share=options["ws_share"],
            linked_share=options["linked_share"],
            seed=options["seed"],
        )
        results = asyncio.run(self._run(plan, generator, options["earlier"]))
        self._print(results)
        if options["json"]:
            options["json"].write_text(json.dumps(results, indent=2))

    # -- set-up, in the database
    @transaction.atomic
    def _setup(self, options):
        code_name = options["operation"]
        if not Operation.objects.filter(code_name=code_name).exists():
            if code_name != "ARMSTRONG VII":
                raise CommandError(f"No operation {code_name!r}.")
            call_command("load_demo", stdout=io.StringIO())
        operation = Operation.objects.get(code_name=code_name)
        if operation.phase == Phase.CLOSED:
            raise CommandError("The operation is closed.")
        room = Room.objects.filter(operation=operation, name="Postal hubs").first()
        if room is None:
            raise CommandError('The operation has no "Postal hubs" room.')
        agencies = list(
            room.members.filter(kind=AgencyKind.CUSTOMS)
            .order_by("country_id")
            .select_related("country")
        )
        if not agencies:
            raise CommandError('No customs agency is a member of "Postal hubs".')
        existing = {o.username: o for o in Officer.objects.filter(username__startswith="sim.")}
        hubs = []
        for index in range(options["officers"]):
            agency = agencies[index % len(agencies)]
            username = f"sim.{agency.country_id.lower()}.{index:03d}"
            officer = existing.get(username)
            if officer is None:
                officer = Officer(username=username, agency=agency, role=Role.OFFICER)
                officer.set_unusable_password()
                officer.save()
            token = token_issue(officer=officer)  # a live one, even a day after load_demo
            hubs.append(
                Hub(username=username, token=token.key, country=agency.country_id, room=room.pk)
            )
        analyst = Officer.objects.filter(
            role=Role.ANALYST, agency__participations__operation=operation, is_active=True
        ).first()
        coordinator = Officer.objects.filter(
            role=Role.COORDINATOR,
            agency__participations__operation=operation,
            agency__participations__coordinating=True,
            is_active=True,
        ).first()
        if analyst is None or coordinator is None:
            raise CommandError(
                "The operation needs an analyst and a coordinator (load_demo makes them)."
            )
        tokens = {o: token_issue(officer=o).key for o in (analyst, coordinator)}
        listeners = [hub.token for hub in hubs[: options["listeners"]]]
        self.stdout.write(
            f"{operation.code_name}: {len(hubs)} officers of {len(agencies)} customs agencies in room "
            f"{room.pk}; analyst {analyst.username}, coordinator {coordinator.username}"
        )
        return hubs, operation, room, tokens[analyst], tokens[coordinator], listeners

    # -- over the network
    async def _run(self, plan: Plan, generator: Generator, earlier: int) -> dict:
        analyst = Http(plan.url, plan.analyst_token, plan.origin)
        intel = {}
        if earlier:
            intel["import"] = await self._import(analyst, plan, generator, earlier)
        intel["indicators_created"] = await self._indicators(analyst, plan)
        simulation = Simulation(plan, generator, log=lambda m: self.stdout.write(m))
        results = await simulation.run()
        status, indicators = await analyst.request(
            "GET", f"/api/v1/operations/{plan.operation}/indicators/"
        )
        results["indicators"] = [
            {"name": i["name"], "kind": i["kind"], "weight": i["weight"], **i["stats"]}
            for i in (indicators if status == 200 else [])
        ]
        status, stats = await analyst.request("GET", f"/api/v1/operations/{plan.operation}/stats/")
        results["operation_totals"] = stats.get("stats", {}).get("total") if status == 200 else None
        results["intelligence_phase"] = intel
        await analyst.close()
        return results

    async def _import(self, http, plan: Plan, generator: Generator, rows: int) -> dict:

        buffer = io.StringIO()
        write_rows(buffer, generator.earlier_rows(rows), "csv")
        body, content_type = multipart(
            {"name": f"earlier seizures ({rows} rows)"}, "earlier.csv", buffer.getvalue().encode()
        )
        started = time.perf_counter()
        status, run = await http.request(
            "POST",
            f"/api/v1/operations/{plan.operation}/imports/",
            raw=body,
            content_type=content_type,
        )
        if status != 202:
            raise CommandError(f"upload refused: {status} {run}")
        while run["status"] not in ("done", "failed"):
            if run["status"] == "needs_agencies":
                run = await self._map_agencies(http, run)
                continue
            await asyncio.sleep(1)
            status, run = await http.request("GET", f"/api/v1/imports/{run['id']}/")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"import {run['id']} {run['status']}: {run['rows']} in {elapsed:.1f} s, "
            f"{run['matches_found']} matches"
        )
        return {
            "id": run["id"],
            "status": run["status"],
            "rows": run["rows"],
            "matches": run["matches_found"],
            "seconds": round(elapsed, 1),
        }

    async def _map_agencies(self, http, run: dict) -> dict:
        """Agencies of the synthetic data the server does not know (load_demo gives the
        demo's aliases): created with the kind their rows give, as an analyst would."""
        mappings = [
            {"country": u["country"], "name": u["name"], "kind": u["kinds"][0]}
            for u in run["agencies_unknown"]
            if len(u["kinds"]) == 1
        ]
        if len(mappings) < len(run["agencies_unknown"]):
            raise CommandError(
                f"import {run['id']}: agencies of no one kind: {run['agencies_unknown']}"
            )
        status, run = await http.request(
            "POST", f"/api/v1/imports/{run['id']}/agencies/", {"agencies": mappings}
        )
        if status != 200:
            raise CommandError(f"mapping agencies refused: {status} {run}")
        self.stdout.write(
            f"import {run['id']}: agencies created: {', '.join(run['agencies_created'])}"
        )
        return run

    async def _indicators(self, http, plan: Plan) -> int:
        path = f"/api/v1/operations/{plan.operation}/indicators/"
        status, existing = await http.request("GET", path)
        names = {i["name"] for i in existing} if status == 200 else set()
        made = 0
        for indicator in INDICATORS:
            if indicator["name"] in names:
                continue
            status, data = await http.request("POST", path, indicator)
            if status != 201:
                raise CommandError(f"indicator {indicator['name']!r}: {status} {data}")
            made += 1
        return made

    def _print(self, results: dict) -> None:
        target, achieved = results["target"], results["achieved"]
        self.stdout.write("")
        self.stdout.write(
            f"target   {target['parcels']} parcels in {target['duration_s']:.0f} s = "
            f"{target['parcels_per_s']} parcels/s"
        )
        self.stdout.write(
            f"achieved {achieved['parcels_scored']} parcels in {achieved['elapsed_s']} s = "
            f"{achieved['parcels_per_s']} parcels/s; {achieved['reports']} reports = "
            f"{achieved['reports_per_s']} reports/s; opened {achieved['opened']}, hits {achieved['hits']}; "
            f"latest start behind schedule {achieved['max_lateness_s']} s"
        )
        self.stdout.write(
            f"{'latency (ms)':<48} {'n':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}"
        )
        for name, row in results["latency"].items():
            self.stdout.write(
                f"{name:<48} {row['n']:>7} {row['p50_ms']:>8} {row['p95_ms']:>8} "
                f"{row['p99_ms']:>8} {row['max_ms']:>8}"
            )
        self.stdout.write(
            f"{'indicator':<36} {'weight':>6} {'flagged':>8} {'checked':>8} {'hits':>6} {'hit rate':>8}"
        )
        for row in results["indicators"]:
            rate = "-" if row["hit_rate"] is None else f"{row['hit_rate']:.1%}"
            self.stdout.write(
                f"{row['name'][:36]:<36} {row['weight']:>6} {row['flagged']:>8} {row['checked']:>8} "
                f"{row['hits']:>6} {rate:>8}"
            )
        other = {
            k: v for k, v in results["counts"].items() if not k.startswith(("parcels.", "reports."))
        }
        self.stdout.write(f"socket frames and errors: {other}")
