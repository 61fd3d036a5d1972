"""What a missing column costs: a cost applies only when neither its field nor a stand-in was found."""
from sheetsync.engine.field_costs import FIELD_COSTS, cost, missing_fields
from sheetsync.engine.schema import BY_FIELD


def test_every_cost_names_real_fields_in_both_languages():
    for c in FIELD_COSTS:
        assert c.field in BY_FIELD and all(a in BY_FIELD for a in c.alternatives)
        assert c.en and c.zh and c.en != c.zh and cost(c.field, "en") == c.en and cost(c.field, "zh") == c.zh


def test_a_stand_in_field_lifts_the_cost():
    everything = [c.field for c in FIELD_COSTS]
    assert missing_fields(["task"]) == everything
    assert "deadline" not in missing_fields(["task", "time_point"])
    assert "status" not in missing_fields(["task", "progress"]) and "status" not in missing_fields(["done_date"])
    assert "duration" not in missing_fields(["start"]) and "submitted" not in missing_fields(["reviewed"])
    assert missing_fields(everything) == []
    assert missing_fields(["owner", "depends_on"]) == [f for f in everything if f not in ("owner", "depends_on")]


def test_an_unknown_field_still_says_it_is_missing():
    assert cost("budget", "en") == "no budget column" and "budget" in cost("budget", "zh")
