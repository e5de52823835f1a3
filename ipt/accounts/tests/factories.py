import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipt.accounts.models import User
from ipt.organisations.tests.factories import ServiceFactory

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    service = factory.SubFactory(ServiceFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def with_authenticator(self, create, extracted, **kwargs):
        """Every member of staff has a confirmed authenticator unless told otherwise."""
        if create and extracted is not False:
            TOTPDevice.objects.create(user=self, name="authenticator app", confirmed=True)


class TherapistFactory(UserFactory):
    is_therapist = True
