"""From a department name as a member typed it to a field of work.

1. The member's own earlier choice for the same name (their correction) wins.
2. An exact name from the registry or added by a moderator (健康増進課 → health promotion).
3. The same after dropping the division in front (健康福祉部健康増進課 → 健康増進課).
4. The field with the longest keyword inside the name (北部保健センター → 保健センター), looked
   for first in the subsection after the section (健康づくり課（予防接種係） → 予防接種).
When nothing matches, ``closest_fields`` ranks fields by shared character bigrams with their
names and department names, so an unknown department still gets a useful answer.
"""

import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from fields.models import DepartmentAlias, Field

# A division or bureau in front of the section: 健康福祉部, 総務局, 市民生活部市民課 …
DIVISION_PREFIX = re.compile(r"^.+?[部局](?=.)")
GENERIC = ("課", "係", "室", "部", "局", "担当", "グループ", "事務所")
SECTION = re.compile(r"課")


def normalise(name: str) -> str:
    """NFKC, lower case, without spaces: ＤＸ推進課 and dx 推進課 are the same name."""
    return "".join(unicodedata.normalize("NFKC", name).lower().split())


def _candidate_names(name: str) -> list[str]:
    names = [name]
    rest = name
    while True:
        shorter = DIVISION_PREFIX.sub("", rest, count=1)
        if shorter == rest or not shorter:
            break
        names.append(shorter)
        rest = shorter
    return names


@dataclass
class FieldMatch:
    department: str
    field: Field | None = None
    how: str = ""  # "member", "name", "keyword" or "" (no match)
    closest: list[Field] = dataclass_field(default_factory=list)


def field_for_department(department: str, member=None) -> FieldMatch:
    from accounts.models import Assignment

    name = normalise(department)
    match = FieldMatch(department=department)
    if not name:
        return match
    if member is not None and member.pk:
        chosen = (
            Assignment.objects.filter(user=member, field_chosen_by_member=True, field__isnull=False)
            .select_related("field")
            .order_by("-started_on")
        )
        for assignment in chosen:
            if normalise(assignment.department) == name:
                match.field, match.how = assignment.field, "member"
                return match
    names = _candidate_names(name)
    aliases = {
        alias.name: alias.field
        for alias in DepartmentAlias.objects.filter(name__in=names).select_related("field")
    }
    for candidate in names:
        if candidate in aliases:
            match.field, match.how = aliases[candidate], "name"
            return match
    fields_of_work = list(Field.objects.all())
    # The subsection after the section says most (健康づくり課（予防接種係） is vaccination),
    # then the section, then the division: 保健福祉部 総務係.
    subsection = SECTION.split(names[-1])[-1].strip("()")
    for part in (subsection, names[-1], name):
        best = _longest_keyword(fields_of_work, part) if part else None
        if part is subsection and subsection != names[-1] and _is_duty(best, subsection):
            continue  # 庶務係, 窓口係, 指導係: a duty found in every section, not its field
        if best is not None:
            match.field, match.how = best, "keyword"
            return match
    match.closest = closest_fields(name)
    return match


# Subsections that every section has: their words say what the person does, not in which
# field (介護保険課 庶務係 is elderly care, not general affairs).
DUTIES = ("庶務", "総務", "窓口", "指導", "管理", "企画", "経理", "調整", "事務", "業務", "相談")


def _is_duty(found: Field | None, subsection: str) -> bool:
    return found is not None and any(duty in subsection for duty in DUTIES)


def _longest_keyword(fields_of_work: list[Field], name: str) -> Field | None:
    best, best_length = None, 0
    for field_of_work in fields_of_work:
        for keyword in field_of_work.keywords:
            keyword = normalise(keyword)
            if keyword and keyword in name and len(keyword) > best_length:
                best, best_length = field_of_work, len(keyword)
    return best


def bigrams(text: str) -> set[str]:
    for word in GENERIC:
        text = text.replace(word, " ")
    grams = set()
    for word in text.split():
        if len(word) == 1:
            grams.add(word)
        grams.update(word[index : index + 2] for index in range(len(word) - 1))
    return grams


def closest_fields(department: str, limit: int = 5) -> list[Field]:
    """Fields whose names and department names share the most character pairs with the name."""
    wanted = bigrams(normalise(department))
    if not wanted:
        return []
    texts: dict[int, list[str]] = {}
    fields_by_id = {}
    for field_of_work in Field.objects.all():
        fields_by_id[field_of_work.pk] = field_of_work
        texts[field_of_work.pk] = [
            normalise(field_of_work.name_ja),
            *(normalise(k) for k in field_of_work.keywords),
        ]
    for alias in DepartmentAlias.objects.values_list("field_id", "name"):
        texts.setdefault(alias[0], []).append(alias[1])
    scored = []
    for field_id, names in texts.items():
        score = max(len(wanted & bigrams(text)) / len(wanted) for text in names)
        if score > 0:
            scored.append((-score, fields_by_id[field_id].position, field_id))
    return [fields_by_id[field_id] for _score, _position, field_id in sorted(scored)[:limit]]
