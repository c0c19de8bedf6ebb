"""Agency aliases kept in the admin: folded on save, one per name and country."""

from apps.accounts.models import AgencyAlias, Country

from ..factories import AgencyFactory, OfficerFactory


def test_the_admin_adds_an_alias_folded_and_refuses_the_same_name_again(world, client):
    # given a superuser and Greece's police
    admin = OfficerFactory(username="root", is_staff=True, is_superuser=True)
    police = AgencyFactory(
        country=Country.objects.get(code="GR"), name="Greece Police", kind="police"
    )
    client.force_login(admin)
    url = "/admin/accounts/agencyalias/add/"

    # when the alias is added, then added again in other case and accents
    added = client.post(url, {"country": "GR", "name": "Hellenic Police", "agency": police.pk})
    again = client.post(url, {"country": "GR", "name": "HELLÉNIC police", "agency": police.pk})
    elsewhere = client.post(url, {"country": "CY", "name": "Hellenic Police", "agency": police.pk})

    # then one alias, folded, by the admin; the repeat and the wrong country are form errors
    assert added.status_code == 302
    alias = AgencyAlias.objects.get()
    assert (alias.folded, alias.created_by) == ("hellenic police", admin)
    assert (
        again.status_code == 200 and "The country has this alias already." in again.content.decode()
    )
    assert "An alias names an agency of its own country." in elsewhere.content.decode()
    assert AgencyAlias.objects.count() == 1
