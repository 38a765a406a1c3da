from huodong.participation.tests.conftest import campaign, org, requirements  # noqa: F401
