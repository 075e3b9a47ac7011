"""Options of a long select, written in Python: the chosen one stays chosen, text is escaped."""

from django.template import Context, Template


def render(choices, selected) -> str:
    template = Template("{% load option_tags %}{% options choices selected %}")
    return template.render(Context({"choices": choices, "selected": selected}))


def test_the_chosen_value_is_selected_and_only_it():
    html = render([("北海道", "北海道"), ("兵庫県", "兵庫県")], "兵庫県")
    assert html == (
        '<option value="北海道">北海道</option><option value="兵庫県" selected>兵庫県</option>'
    )


def test_values_and_labels_are_escaped_and_nothing_chosen_selects_nothing():
    html = render([('"><script>', "<b>x</b>"), (3, "三")], None)
    assert "<script>" not in html and "<b>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;"' in html and "selected" not in html
    assert render([(3, "三")], "3") == '<option value="3" selected>三</option>'
