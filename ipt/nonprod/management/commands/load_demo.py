from django.core.management.base import BaseCommand

from ipt.nonprod import demo


class Command(BaseCommand):
    help = "Load the demo service (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        created = demo.load()
        self.stdout.write(
            "Demo data loaded." if created else "Demo data already present; nothing changed."
        )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {demo.PASSWORD})")
        self.stdout.write("Sign in with the password, then give one backup code (each works once).")
        for row in demo.logins():
            self.stdout.write(f"  {row['username']:<17} {row['roles']:<30} codes: {row['codes']}")
        self.stdout.write("")
        self.stdout.write("Client portal at /my/ (same password):")
        for row in demo.client_logins():
            self.stdout.write(f"  {row['email']:<34} {row['name']}")
