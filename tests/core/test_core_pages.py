"""beacon.core.pages: the one way code outside the web pages links to them."""

from beacon.core.pages import page_path


def test_a_page_is_found_by_its_name_and_arguments():
    assert page_path("web:risk", "CRR0001") == "/risks/CRR0001/"
    assert page_path("web:data") == "/data/"


def test_a_page_that_is_not_there_gives_no_link():
    assert page_path("web:no_such_page") == ""
    assert page_path("no_such_namespace:risk", "CRR0001") == ""
