"""factory_boy factories shared by every app's tests."""

import factory

from huodong.orgs.models import Office, Person, RoleAssignment, Unit, UnitKind, User

TEST_PASSWORD = "Test-pass-2018"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试办公室{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"第{n}处")
    kind = UnitKind.DEPARTMENT
    sort_order = factory.Sequence(int)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    office = factory.SelfAttribute("unit.office")
    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"张{n}")
    sort_order = factory.Sequence(int)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    person = factory.SubFactory(PersonFactory)
    role = "office_staff"
