from django.core.management.base import BaseCommand

from apps.crossmatch.blocking import name_keys_rebuild


class Command(BaseCommand):
    help = (
        "Make the blocking keys of every stored party again with the current recipe (after "
        "an upgrade that changes how names, addresses or companies are keyed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="parties per transaction")

    def handle(self, *args, batch: int, **options):
        def progress(parties: int) -> None:
            self.stdout.write(f"  {parties:,} parties", ending="\r")

        total = name_keys_rebuild(batch=batch, progress=progress)
        self.stdout.write(f"blocking keys made again for {total:,} parties")
