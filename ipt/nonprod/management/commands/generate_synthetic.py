from django.core.management.base import BaseCommand, CommandError

from ipt.nonprod import synthetic


class Command(BaseCommand):
    help = (
        "Generate a synthetic service of five years in bulk: small (a private practice) or "
        "large (an NHS service). No audit events are written for the synthetic rows; one "
        "event records that the service was generated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(synthetic.SIZES), required=True)
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same service")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply the counts (0.02 for tests)"
        )
        parser.add_argument(
            "--password", default=None, help="Give every synthetic login this password"
        )
        parser.add_argument(
            "--no-refresh",
            action="store_true",
            help=(
                "Do not refresh the outcome summaries and the appointments counted by month at "
                "the end (the dashboard shows neither until refresh_outcome_summaries is run)"
            ),
        )

    def handle(self, *args, **options):
        try:
            report = synthetic.generate(
                size=options["size"],
                seed=options["seed"],
                scale=options["scale"],
                password=options["password"],
                refresh=not options["no_refresh"],
                progress=lambda message: (
                    self.stderr.write(message) if options["verbosity"] > 1 else None
                ),
            )
        except synthetic.SyntheticRefused as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
        if not report.refreshed_summaries and not options["no_refresh"]:
            self.stdout.write(
                "Outcome summaries were not refreshed: no refresh_outcome_summaries command."
            )
