"""The public factsheet shows the programme's text as written: proper nouns keep their capitals."""

import re

from django.urls import reverse


def test_the_factsheet_shows_each_result_as_its_indicator_is_written(client, cisp):
    page = client.get(reverse("outcomes:public_factsheet", args=["00067193"])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))

    assert "People in the producer groups formed: 809 (of whom 540 women)" in text
    assert "Civil servants trained on the UNESCO Conventions on Intangible Heritage (2003)" in text
    assert "Living Human Treasures system established in Cambodia&#x27;s legislation: Yes" in text
    assert "CDs on Indigenous arts produced: 2" in text
    for lowered in ("cambodia", "unesco conventions", "cds on", "living human treasures"):
        assert lowered not in text, lowered
