"""Importing responses gathered elsewhere: read the file, match its columns, check every cell, and
say what would be saved, before anything is written.

    plan = prepare_import(store, round_id, data, "responses.xlsx")
    print(plan.report_text())
    if plan.can_import:
        store.import_responses(round_id, plan, "responses.xlsx", imported_by="Jo Bloggs")

Every problem is pinned to the row and column the person sees in their spreadsheet. Problems stop
the import (a level not on the scale, an unknown statement, a statement in two columns, a person
with no answers or twice in the file, a formula, text over the app's limits, a closed round, a
repeat of an earlier import); warnings do not (columns left out, wording matched by likeness, a
role read as one of the app's roles or saved as Other).

Roles: a role the app knows is kept; one written another way ("NED", "Non exec") is read as the
app's role it names, with a warning; anything else is saved as "Other", the app's own catch-all,
with a warning listing its rows. `role_overrides` changes any of them. A blank role is saved as
"Prefer not to say". Email addresses and response ids are used only to spot a person who answered
twice and a response imported before; they are never saved.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping

from collab_assess.access.settings import Limits, current_limits
from collab_assess.content.bank import QuestionBank
from collab_assess.errors import InputError
from collab_assess.exchange.cells import (
    NO_ROLE,
    ROLES,
    BadValue,
    folded,
    match_role,
    parse_choice,
    parse_target,
)
from collab_assess.exchange.mapping import (
    ANSWERS,
    HOW_BY_HAND,
    HOW_NO_HEADING,
    HOW_SURVEY_DETAIL,
    RESPONSES,
    UNMATCHED,
    WORDING_DIFFERS,
    Field,
    answer_columns,
    apply_overrides,
    layout_of,
    match_columns,
    match_statement_keys,
    old_id_note,
    statement_id_in,
)
from collab_assess.exchange.reading import (
    Column,
    Deadline,
    ImportFileError,
    ReadTable,
    Row,
    formula_problem,
    raise_the_limit,
    read_table,
)
from collab_assess.store import Round
from collab_assess.store.import_plan import (
    ColumnMatch,
    Finding,
    ImportPlan,
    PlannedAnswer,
    PlannedRespondent,
    Repeats,
    RoleUse,
    warning,
)
from collab_assess.store.inputs import NAME_MAX, NOTE_MAX
from collab_assess.store.view import StoreView

Progress = Callable[[float, str], None]

NOT_AN_ADDRESS = frozenset({"anonymous", "anon", "n/a", "na", "none", "-", "unknown"})
"""What Forms (and people) put in an email column for someone who gave no address."""
LISTED_ROWS = 8
"""How many row numbers a message lists before saying how many more."""


def prepare_import(store: StoreView, round_id: int, data: bytes, file_name: str, *,
                   sheet: str | None = None, from_round: str | None = None,
                   mapping_overrides: Mapping[str, object] | None = None,
                   role_overrides: Mapping[str, str] | None = None,
                   repeats: Repeats | str = Repeats.REFUSE,
                   progress: Progress | None = None,
                   limits: Limits | None = None) -> ImportPlan:
    """Read a file and work out what importing it into the round would save, with every problem
    and warning. Writes nothing. Reading and checking keep to `limits` (default: the server's
    settings), the time they allow included.

    sheet: the workbook's sheet to read (default: the Answers sheet of collab-assess's own export,
    else the first sheet with data). from_round: for collab-assess's own export, the round of the
    file to bring in (needed only when the file holds several). mapping_overrides: column letter (or
    heading; for an export, the file's statement id) -> a statement id, a person field
    (mapping.Field: name, role, organisation, email, response id, start time, stage) or "ignore".
    role_overrides: a role as the file writes it -> one of the app's roles. repeats: what to do with
    responses an earlier import brought into this round (refuse, skip or allow).

    Raises ImportFileError (an InputError) when the file cannot be read at all, and InputError when
    from_round is needed or names no round of the file."""
    if progress:
        progress(0.0, f"Reading {file_name}…")
    limits = limits or current_limits()
    deadline = Deadline(limits.work_seconds, file_name)
    table = read_table(data, file_name, sheet=sheet, limits=limits, deadline=deadline)
    return plan_import(store, round_id, table, from_round=from_round,
                       mapping_overrides=mapping_overrides, role_overrides=role_overrides,
                       repeats=repeats, progress=progress, limits=limits, deadline=deadline)


def plan_import(store: StoreView, round_id: int, table: ReadTable, *, from_round: str | None = None,
                mapping_overrides: Mapping[str, object] | None = None,
                role_overrides: Mapping[str, str] | None = None,
                repeats: Repeats | str = Repeats.REFUSE,
                progress: Progress | None = None, limits: Limits | None = None,
                deadline: Deadline | None = None) -> ImportPlan:
    """prepare_import for a table already read (the page reads a file once and plans again after
    each change to the matching). `deadline` defaults to the time `limits` allow from now."""
    repeats = Repeats(repeats)
    limits = limits or current_limits()
    deadline = deadline or Deadline(limits.work_seconds, table.file_name)
    assessment_round = store.get_round(round_id)
    bank = store.bank(assessment_round.bank_version)
    findings: list[Finding] = []
    notes: list[str] = list(table.notes)
    if not assessment_round.is_open:
        findings.append(Finding(
            f"Round '{assessment_round.label}' is closed (submitted), so responses cannot be "
            "added to it. Reopen it on the Collaborative page first (it then leaves peer figures "
            "until it is submitted again), and import again."))
    roles, role_findings = _role_overrides(role_overrides)
    findings += role_findings
    layout = layout_of(table)
    reader: _Reader
    if layout == ANSWERS:
        reader = _AnswersReader(table, bank, roles, progress, limits, deadline)
        people, matches = reader.plan(from_round, mapping_overrides)
    else:
        reader = _ResponsesReader(table, bank, roles, progress, limits, deadline)
        people, matches = reader.plan(mapping_overrides)
    findings += [finding for finding in table.findings  # merged cells, where they matter
                 if not finding.column or finding.column in reader.used]
    findings += reader.findings
    notes += reader.notes
    people, repeat_findings, repeated_rows, same_file = _repeats(store, assessment_round, table,
                                                                 people, repeats)
    findings += repeat_findings
    findings += _names_already_in_round(store, round_id, people)
    if not people and not any(f.blocking for f in findings):
        findings.append(Finding(
            "Everyone in the file was imported into this round before, so there is nobody new to "
            "import." if repeated_rows else
            "There is nobody to import: no row of the file has an answer to a statement of this "
            "round."))
    notes.append("Each person in the file is added to the round as a new participant with their "
                 "own resume code; nobody's existing answers change. Answers are saved with the "
                 f"source 'import' and 'import of {table.file_name}' as who recorded them.")
    if progress:
        progress(1.0, "Checked.")
    return ImportPlan(
        round_id=round_id, round_label=assessment_round.label,
        bank_version=assessment_round.bank_version, file_name=table.file_name,
        file_sha256=table.sha256, layout=layout, sheet=table.sheet, respondents=tuple(people),
        findings=tuple(findings), notes=tuple(notes), matches=tuple(matches), repeats=repeats,
        statement_labels={s.id: s.statement for s in bank.statements},
        roles=tuple(reader.role_uses()), repeated_rows=tuple(repeated_rows),
        same_file_imported=same_file)


def rounds_in_file(table: ReadTable) -> list[str]:
    """The rounds a file of collab-assess's own export holds, in file order (none for a file of
    responses)."""
    if layout_of(table) != ANSWERS:
        return []
    column = answer_columns(table).get("round")
    if column is None:
        return []
    seen: dict[str, str] = {}
    for row in table.rows:
        value = row.value(column)
        if value:
            seen.setdefault(folded(value), value)
    return list(seen.values())


# -- shared pieces --------------------------------------------------------------------------------

def _listed_rows(rows: list[int]) -> str:
    shown = ", ".join(str(row) for row in rows[:LISTED_ROWS])
    more = len(rows) - LISTED_ROWS
    return f"{shown} and {more} more" if more > 0 else shown


def _role_overrides(overrides: Mapping[str, str] | None) -> tuple[dict[str, str], list[Finding]]:
    chosen, findings = {}, []
    by_name = {folded(role): role for role in ROLES}
    for typed, role in (overrides or {}).items():
        known = by_name.get(folded(role or ""))
        if known is None:
            findings.append(Finding(f"'{role}', chosen for the role '{typed}', is not one of the "
                                    f"app's roles ({', '.join(ROLES)})."))
        else:
            chosen[folded(typed)] = known
    return chosen, findings


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, ensure_ascii=False).encode()).hexdigest()


class _Reader:
    """What both layouts share: the round's bank, findings and notes, roles and text checks."""

    def __init__(self, table: ReadTable, bank: QuestionBank, roles: dict[str, str],
                 progress: Progress | None, limits: Limits, deadline: Deadline):
        self.table = table
        self.limits = limits
        self.deadline = deadline
        self.bank = bank
        self.roles = roles
        self.progress = progress
        self.findings: list[Finding] = []
        self.notes: list[str] = []
        self.role_rows: dict[str, list[int]] = defaultdict(list)
        self.role_column: Column | None = None
        self.used: set[str] = set()
        """The letters of the columns read."""
        self.reported: set[tuple[int, int]] = set()

    def problem(self, message: str, row: Row | int | None = None, column: Column | None = None):
        number = row.number if isinstance(row, Row) else row
        self.findings.append(Finding(message, number, column.letter if column else "",
                                     column.heading if column else ""))

    def warn(self, message: str, row: int | None = None, column: Column | None = None):
        self.findings.append(warning(message, row, column.letter if column else "",
                                     column.heading if column else ""))

    def tick(self, done: int, total: int) -> None:
        """Progress every 200 rows, and a look at the time the check may still take."""
        if done % 200:
            return
        self.deadline.check()
        if self.progress and total:
            self.progress(0.1 + 0.8 * done / total, f"Checking row {done:,} of {total:,}…")

    def cell(self, row: Row, column: Column | None) -> str:
        """A cell's text; "" for a column the file does not have, and for a formula, which is
        reported as a problem (never worked out)."""
        if column is None:
            return ""
        self.used.add(column.letter)
        formula = self.table.formulas.get((row.number, column.position))
        if formula is not None:
            if (row.number, column.position) not in self.reported:
                self.reported.add((row.number, column.position))
                self.problem(formula_problem(formula), row, column)
            return ""
        return row.value(column)

    def text(self, row: Row, column: Column | None, limit: int, what: str) -> str:
        """A cell of free text, or a problem if it is too long."""
        value = self.cell(row, column)
        if len(value) > limit:
            self.problem(f"The {what} is {len(value):,} characters long; the most the app keeps "
                         f"is {limit:,}. Shorten it and import again.", row, column)
            return value[:limit]
        return value

    def role(self, row: Row, column: Column | None) -> str:
        raw = self.cell(row, column)
        self.role_column = column
        self.role_rows[raw].append(row.number)
        chosen = self.roles.get(folded(raw))
        return chosen if chosen is not None else match_role(raw).role

    def role_uses(self) -> list[RoleUse]:
        """Each role as the file writes it, with what it will be saved as."""
        uses = []
        for raw, rows in self.role_rows.items():
            chosen = self.roles.get(folded(raw))
            found = match_role(raw)
            uses.append(RoleUse(raw, chosen or found.role, "chosen" if chosen else found.how,
                                tuple(rows)))
        return uses

    def report_roles(self) -> None:
        """One warning for each role the file writes in a way the app does not, with its rows."""
        column = self.role_column
        for raw, rows in self.role_rows.items():
            if folded(raw) in self.roles:
                continue
            found = match_role(raw)
            rows_text = f"row{'s' if len(rows) > 1 else ''} {_listed_rows(rows)}"
            change = " Choose another role for it in the table of roles if that is wrong."
            if found.how == "read":
                self.warn(f"The role '{raw}' ({rows_text}) was read as '{found.role}'.{change}",
                          rows[0], column)
            elif found.how == "other":
                self.warn(f"The role '{raw}' ({rows_text}) is not one of the app's roles, so it "
                          f"will be saved as 'Other'. Choose one of the app's roles for it in the "
                          "table of roles if one fits.", rows[0], column)
            elif found.how == "blank" and column is not None:
                self.warn(f"No role is given in {rows_text}: saved as '{NO_ROLE}'.", rows[0],
                          column)

    def choice(self, row: Row, column: Column | None):
        try:
            return parse_choice(self.cell(row, column))
        except BadValue as error:
            self.problem(str(error), row, column)
            return None

    def target(self, row: Row, column: Column | None) -> int | None:
        try:
            return parse_target(self.cell(row, column))
        except BadValue as error:
            self.problem(str(error), row, column)
            return None

    def statements_not_in_file(self, targets: set[str]) -> None:
        missing = [s.id for s in self.bank.statements if s.id not in targets]
        if missing and targets:
            listed = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more"
                                                 if len(missing) > 12 else "")
            self.warn(f"The file has nothing for {len(missing)} of this round's "
                      f"{len(self.bank.statements)} statements ({listed}): those stay unanswered "
                      "for the people imported.")


# -- one row per person (Microsoft Forms) ---------------------------------------------------------

class _ResponsesReader(_Reader):
    def plan(self, overrides) -> tuple[list[PlannedRespondent], list[ColumnMatch]]:
        table, bank = self.table, self.bank
        matches, override_findings = apply_overrides(match_columns(table, bank), overrides, bank,
                                                     RESPONSES)
        self.findings += override_findings
        columns = {column.letter: column for column in table.columns}
        statements: list[tuple[Column, str]] = []
        fields: dict[Field, Column] = {}
        for match in matches:
            column = columns[match.key]
            if match.target in bank.statements_by_id:
                statements.append((column, match.target))
                self._check_statement_column(match, column)
            elif match.target in (Field.IGNORE, UNMATCHED):
                self._check_ignored_column(match, column)
            else:
                field = Field(match.target)
                if field in fields:
                    self.problem(f"Both column {fields[field].letter} and this column are set to "
                                 f"'{field.label}'. Set one of them to Ignore.", None, column)
                else:
                    fields[field] = column
        self._check_statements_once(statements)
        if not statements:
            self.problem("No column of the file matches a statement of this round's question "
                         f"bank (version {bank.version}). Each statement's column needs its id "
                         "(such as PB-1) or its words in the heading; or choose the statement "
                         "for each column in the matching table.")
        else:
            self.statements_not_in_file({target for _, target in statements})
        if Field.ROLE not in fields:
            self.warn(f"No column holds people's roles, so everyone is saved with the role "
                      f"'{NO_ROLE}'. If a column holds roles, set it to 'Person: role'.")
        if fields.keys() & {Field.EMAIL, Field.RESPONSE_ID, Field.STARTED}:
            self.notes.append("Email addresses, response IDs and start times are used only to "
                              "spot someone who answered twice or was imported before; they are "
                              "not saved.")
        people = self._people(statements, fields)
        self.report_roles()
        return people, matches

    def _check_statement_column(self, match: ColumnMatch, column: Column) -> None:
        words = self.bank.statements_by_id[match.target].statement
        if match.how.startswith("similar wording"):
            self.warn(f"Matched to {match.target} ('{words}') by similar wording "
                      f"({match.confidence:.0%} alike). Check it is the same statement.", None,
                      column)
        elif match.how == "id in the heading" and match.confidence < WORDING_DIFFERS:
            self.warn(f"The heading names {match.target}, but its words differ from this round's "
                      f"{match.target} ('{words}'). The file may come from another version of the "
                      "question bank: check it is the same statement.", None, column)

    def _check_ignored_column(self, match: ColumnMatch, column: Column) -> None:
        """An unmatched column that looks like a statement is a problem; any other column left
        out is a warning, unless the person chose to leave it out or it is a survey detail."""
        if match.how in (HOW_BY_HAND, HOW_SURVEY_DETAIL):
            return
        suggestion = (f" It looks most like {match.suggestion} "
                      f"('{self.bank.statements_by_id[match.suggestion].statement}'); if that is "
                      "it, choose it in the matching table." if match.suggestion else "")
        version = f"this round's question bank (version {self.bank.version})"
        choose = " Choose the statement it should count as, or Ignore to leave its answers out."
        unknown_id = statement_id_in(match.heading) if match.heading else None
        unknown_id = unknown_id if unknown_id not in self.bank.statements_by_id else None
        if match.target == UNMATCHED and unknown_id:
            self.problem(f"Unknown statement: {unknown_id} is not a statement of {version}."
                         f"{old_id_note(unknown_id, self.bank)}{suggestion}{choose}", None, column)
        elif match.target == UNMATCHED:
            self.problem(f"Unknown statement: this column holds levels, but its heading matches "
                         f"no statement of {version}.{suggestion}{choose}", None, column)
        elif match.how == HOW_NO_HEADING:
            self.warn("This column has no heading, so it is left out. Give it a heading, or "
                      "choose what it holds in the matching table.", None, column)
        else:
            self.warn(f"Left out: the heading is not a statement or a detail about the person "
                      f"that collab-assess knows.{suggestion}", None, column)

    def _check_statements_once(self, statements: list[tuple[Column, str]]) -> None:
        first: dict[str, Column] = {}
        for column, target in statements:
            if target in first:
                self.problem(f"Statement mapped twice: column {first[target].letter} and this "
                             f"column are both matched to {target}. Set one of them to another "
                             "statement or to Ignore.", None, column)
            else:
                first[target] = column

    def _people(self, statements: list[tuple[Column, str]],
                fields: dict[Field, Column]) -> list[PlannedRespondent]:
        people: list[PlannedRespondent] = []
        seen: dict[tuple[str, str], int] = {}
        occurrences: dict[str, int] = defaultdict(int)
        total = len(self.table.rows)
        for done, row in enumerate(self.table.rows, start=1):
            self.tick(done, total)
            answers = []
            for column, statement_id in statements:
                choice = self.choice(row, column)
                if choice is not None:
                    answers.append(PlannedAnswer(statement_id, choice.level, choice.unscored,
                                                 row=row.number))
            name = self.text(row, fields.get(Field.NAME), NAME_MAX, "name")
            organisation = self.text(row, fields.get(Field.ORGANISATION), NAME_MAX,
                                     "organisation")
            role = self.role(row, fields.get(Field.ROLE))
            stage = None
            if Field.STAGE in fields:
                said = self.choice(row, fields[Field.STAGE])
                stage = said.level if said is not None else None
            identity: dict[Field, str] = {
                field: folded(self.cell(row, fields[field])) for field in
                (Field.RESPONSE_ID, Field.EMAIL, Field.STARTED) if field in fields}
            if identity.get(Field.EMAIL) in NOT_AN_ADDRESS:
                identity.pop(Field.EMAIL)
            if not answers:
                self.problem("Empty response: this row answers no statement. Delete the row, or "
                             "fill in its answers, and import again.", row)
            self._duplicates(row, fields, identity, folded(name), seen)
            content = [folded(name), role, folded(organisation), stage,
                       sorted((a.statement_id, str(a.level), str(a.unscored)) for a in answers)]
            if any(identity.values()):
                fingerprint = _fingerprint("response", sorted(identity.items()))
            else:
                occurrences[_fingerprint(content)] += 1
                if occurrences[_fingerprint(content)] == 2 and answers:
                    self.warn("This row is exactly the same as an earlier one, with nothing to "
                              "tell the two people apart. If it is the same response twice, "
                              "delete one of them.", row.number)
                fingerprint = _fingerprint("content", content,
                                           occurrences[_fingerprint(content)])
            people.append(PlannedRespondent(
                rows=(row.number,), role=role, organisation=organisation, display_name=name,
                answers=tuple(answers), stage=stage, fingerprint=fingerprint))
        return [person for person in people if person.answers]

    def _duplicates(self, row: Row, fields: dict[Field, Column], identity: dict[Field, str],
                    name: str, seen: dict[tuple[str, str], int]) -> None:
        keys = [(Field.RESPONSE_ID, identity.get(Field.RESPONSE_ID, ""), "response ID"),
                (Field.EMAIL, identity.get(Field.EMAIL, ""), "email address"),
                (Field.NAME, name, "name")]
        for field, value, what in keys:
            if not value:
                continue
            earlier = seen.setdefault((field, value), row.number)
            if earlier != row.number:
                self.problem(f"Duplicate respondent: this row has the same {what} as row "
                             f"{earlier}, so it looks like a second response from the same "
                             "person. Keep one of the two rows (usually the later) and delete "
                             "the other.", row, fields[field])
                return


# -- one row per answer (collab-assess's own export) ---------------------------------------------

class _AnswersReader(_Reader):
    def plan(self, from_round: str | None,
             overrides) -> tuple[list[PlannedRespondent], list[ColumnMatch]]:
        table, bank = self.table, self.bank
        self.columns = answer_columns(table)
        rows = self._rows_of_round(from_round)
        keys: dict[str, tuple[str, str]] = {}
        key_rows: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            key = self._key(row)
            if key:
                keys.setdefault(key, (self._value(row, "statement_id"),
                                      self._value(row, "statement")))
                key_rows[key].append(row.number)
        if len(keys) > self.limits.import_max_columns:
            raise ImportFileError(
                f"{table.file_name} holds answers to {len(keys):,} different statements; a file "
                f"of answers may hold at most {self.limits.import_max_columns:,} (this round's "
                f"question bank has {len(bank.statements)}). Check it is collab-assess's own "
                f"export of answers. {raise_the_limit('import_max_columns')}")
        matches = match_statement_keys(keys.values(), bank)
        matches, override_findings = apply_overrides(matches, overrides, bank, ANSWERS)
        self.findings += override_findings
        targets = self._check_statements(matches, key_rows)
        if any(target in bank.statements_by_id for target in targets.values()):
            self.statements_not_in_file(set(targets.values()))
        people = self._people(rows, targets)
        self.report_roles()
        return people, matches

    def _value(self, row: Row, name: str) -> str:
        return self.cell(row, self.columns.get(name))

    def _key(self, row: Row) -> str:
        return self._value(row, "statement_id") or self._value(row, "statement")

    def _rows_of_round(self, from_round: str | None) -> list[Row]:
        rounds = rounds_in_file(self.table)
        column = self.columns.get("round")
        if column is None or not rounds:
            return list(self.table.rows)
        listed = ", ".join(f"'{each}'" for each in rounds)
        chosen: str | None
        if from_round is None:
            if len(rounds) > 1:
                raise InputError(f"{self.table.file_name} holds answers from {len(rounds)} rounds: "
                                 f"{listed}. Choose which round of the file to import. Nothing "
                                 "was imported.")
            chosen = rounds[0]
        else:
            chosen = next((each for each in rounds if folded(each) == folded(from_round)), None)
            if chosen is None:
                raise InputError(f"{self.table.file_name} has no round called '{from_round}'. Its "
                                 f"rounds: {listed}. Nothing was imported.")
        picked = [row for row in self.table.rows if folded(row.value(column)) == folded(chosen)]
        blank = [row.number for row in self.table.rows if not row.value(column)]
        for number in blank[:LISTED_ROWS]:
            self.problem("This row names no round. Put the round's name in it, or delete the row.",
                         number, column)
        if len(rounds) > 1:
            self.notes.append(f"The file holds answers from {len(rounds)} rounds ({listed}); only "
                              f"'{chosen}' was read ({len(picked):,} rows).")
        self.notes.append(f"These are the answers of round '{chosen}' in the file.")
        return picked

    def _check_statements(self, matches: list[ColumnMatch],
                          key_rows: dict[str, list[int]]) -> dict[str, str]:
        bank = self.bank
        id_column = self.columns.get("statement_id") or self.columns.get("statement")
        targets: dict[str, str] = {}
        claimed: dict[str, str] = {}
        for match in matches:
            rows = key_rows[match.key]
            rows_text = f"row{'s' if len(rows) > 1 else ''} {_listed_rows(rows)}"
            targets[match.key] = match.target
            if match.target == Field.IGNORE:
                self.warn(f"The answers to '{match.key}' ({rows_text}) are left out, as "
                          "chosen.", rows[0], id_column)
                continue
            if match.target == UNMATCHED:
                suggestion = (f" It looks most like {match.suggestion} "
                              f"('{bank.statements_by_id[match.suggestion].statement}')."
                              if match.suggestion in bank.statements_by_id else "")
                self.problem(f"Unknown statement: '{match.key}' ({rows_text}) is not a statement "
                             f"of this round's question bank (version {bank.version})."
                             f"{old_id_note(match.key, bank)}{suggestion} Choose the statement "
                             "its answers should count as, or Ignore to leave them out.",
                             rows[0], id_column)
                continue
            if match.target in claimed:
                self.problem(f"Statement mapped twice: '{claimed[match.target]}' and "
                             f"'{match.key}' of the file are both matched to {match.target}. "
                             "Set one of them to another statement or to Ignore.", rows[0],
                             id_column)
            claimed.setdefault(match.target, match.key)
            words = bank.statements_by_id[match.target].statement
            if match.how.startswith("similar wording"):
                self.warn(f"'{match.key}' ({rows_text}) was matched to {match.target} ('{words}') "
                          f"by similar wording ({match.confidence:.0%} alike). Check it is the "
                          "same statement.", rows[0], id_column)
            elif match.how == "same statement id" and match.confidence < WORDING_DIFFERS:
                self.warn(f"In the file, {match.target} is worded differently from this round's "
                          f"{match.target} ('{words}'): the file may come from another version "
                          "of the question bank. Check it is the same statement.", rows[0],
                          id_column)
        return targets

    def _people(self, rows: list[Row], targets: dict[str, str]) -> list[PlannedRespondent]:
        column = self.columns.get("respondent")
        groups: dict[str, list[Row]] = {}
        for row in rows:
            number = row.value(column) if column is not None else ""
            if not number:
                self.problem("This row names no respondent: put the person's number in it (the "
                             "same number on every row of their answers).", row, column)
                continue
            groups.setdefault(_number_key(number), []).append(row)
        if len(groups) > self.limits.import_max_people:
            limit = self.limits.import_max_people
            raise ImportFileError(
                f"{self.table.file_name} holds the answers of {len(groups):,} people; one import "
                f"takes at most {limit:,}. Split it into files of {limit:,} people or fewer and "
                f"import each. {raise_the_limit('import_max_people')}")
        people = []
        total, done = len(rows), 0
        round_label = folded(self._value(rows[0], "round")) if rows else ""
        for number, person_rows in groups.items():
            first = person_rows[0]
            details = {}
            for name in ("name", "role", "organisation"):
                details[name] = self._value(first, name)
                for row in person_rows[1:]:
                    if folded(self._value(row, name)) != folded(details[name]):
                        here = self._value(row, name)
                        self.problem(f"Respondent {number}'s {name} here ('{here}') differs "
                                     f"from row {first.number} ('{details[name]}'): one "
                                     "person has one name, role and organisation in a round. "
                                     "Correct one of them.", row, self.columns.get(name))
                        break
            name = self.text(first, self.columns.get("name"), NAME_MAX, "name")
            organisation = self.text(first, self.columns.get("organisation"), NAME_MAX,
                                     "organisation")
            role = self.role(first, self.columns.get("role"))
            answers: list[PlannedAnswer] = []
            answered: dict[str, int] = {}
            for row in person_rows:
                done += 1
                self.tick(done, total)
                target = targets.get(self._key(row))
                if not target or target == Field.IGNORE:
                    continue
                answer = self._answer(row, target)
                if answer is None:
                    continue
                if target in answered:
                    self.problem(f"Respondent {number} answers {target} twice (rows "
                                 f"{answered[target]} and {row.number}). Keep one of the two "
                                 "rows.", row, self.columns.get("statement_id"))
                    continue
                answered[target] = row.number
                answers.append(answer)
            if not answers and not any(f.blocking and f.row in {r.number for r in person_rows}
                                       for f in self.findings):
                self.problem(f"Empty response: respondent {number} has no answer to any "
                             "statement of this round.", first)
            fingerprint = _fingerprint(
                "answers", round_label, number, folded(name), role, folded(organisation),
                sorted((a.statement_id, str(a.level), str(a.unscored), str(a.target_level),
                        a.note) for a in answers))
            people.append(PlannedRespondent(
                rows=tuple(row.number for row in person_rows), role=role,
                organisation=organisation, display_name=name, answers=tuple(answers),
                fingerprint=fingerprint))
        return [person for person in people if person.answers]

    def _answer(self, row: Row, target: str) -> PlannedAnswer | None:
        level_column = self.columns.get("level")
        name_column = self.columns.get("level_name")
        unscored_column = self.columns.get("unscored")
        level = self.choice(row, level_column)
        named = self.choice(row, name_column)
        unscored = self.choice(row, unscored_column)
        if unscored is not None and unscored.unscored is None:
            assert unscored_column is not None, "a choice was read from it"
            self.problem(f"'{row.value(unscored_column)}' cannot stand here: this column holds "
                         "only Don't know or Not applicable (the level goes in the level "
                         "column).", row, unscored_column)
            return None
        if level is not None and unscored is not None:
            self.problem("This answer has both a level and "
                         f"{unscored.unscored.label}: keep one of them.", row, unscored_column)
            return None
        if level is not None and named is not None and named != level:
            self.problem(f"The level ({level.describe()}) and the level's name "
                         f"({named.describe()}) disagree: correct one of them.", row, name_column)
            return None
        choice = level or unscored or named
        target_level = self.target(row, self.columns.get("target_level"))
        note = self.text(row, self.columns.get("note"), NOTE_MAX, "note")
        if choice is None:
            if any(f.blocking and f.row == row.number for f in self.findings):
                return None
            if note or target_level:
                self.problem("This answer has a note or a target but no level, Don't know or Not "
                             "applicable. Give one, or delete the row.", row, level_column)
            else:
                self.warn("This row has no level, Don't know or Not applicable, so it is left "
                          "out.", row.number, level_column)
            return None
        return PlannedAnswer(target, choice.level, choice.unscored, target_level, note,
                             row.number)


def _number_key(value: str) -> str:
    """A respondent number as text, so 3, "3" and 3.0 are one person."""
    try:
        number = float(value)
    except ValueError:
        return folded(value)
    return str(int(number)) if number.is_integer() else value


# -- against what the round already holds --------------------------------------------------------

def _repeats(store: StoreView, assessment_round: Round, table: ReadTable,
             people: list[PlannedRespondent],
             repeats: Repeats) -> tuple[list[PlannedRespondent], list[Finding], list[int], bool]:
    """Leave out, report or allow responses an earlier import brought into this round."""
    findings: list[Finding] = []
    earlier_file = store.imports_of_file(assessment_round.id, table.sha256)
    known = store.imported_fingerprints(assessment_round.id)
    if not earlier_file.empty:
        last = earlier_file.iloc[-1]
        when = f"{last['imported_at']:%d %B %Y at %H:%M} UTC"
        said = (f"This very file was already imported into round '{assessment_round.label}' on "
                f"{when} by {last['imported_by']} ({last['respondents']} people, "
                f"{last['answers']} answers).")
        if repeats is Repeats.REFUSE:
            findings.append(Finding(
                f"{said} Importing it again would count those people twice. If you really mean "
                "to, choose to import repeated responses anyway; to bring in only responses not "
                "imported before, choose to leave out the ones already imported."))
        elif repeats is Repeats.ALLOW:
            findings.append(warning(f"{said} Its people will be added again, as new people."))
    kept = []
    repeated_rows: list[int] = []
    for person in people:
        earlier = known.get(person.fingerprint)
        if earlier is None:
            kept.append(person)
            continue
        first_row = person.first_row
        assert first_row is not None, "a planned person always comes from a row of the file"
        repeated_rows.append(first_row)
        source = f"from {earlier[0]} on {earlier[1]:%d %B %Y}"
        if repeats is Repeats.SKIP:
            findings.append(warning(f"Already imported into this round ({source}), so it is "
                                    "left out.", person.first_row))
            continue
        kept.append(person)
        if repeats is Repeats.REFUSE and earlier_file.empty:
            findings.append(Finding(
                f"This response was already imported into this round ({source}). Delete the "
                "row, or choose to leave out responses already imported.", person.first_row))
    if repeats is Repeats.ALLOW and repeated_rows and earlier_file.empty:
        findings.append(warning(f"{len(repeated_rows)} responses (rows "
                                f"{_listed_rows(repeated_rows)}) were imported into this round "
                                "before and will be added again, as new people."))
    return kept, findings, repeated_rows, not earlier_file.empty


def _names_already_in_round(store: StoreView, round_id: int,
                            people: list[PlannedRespondent]) -> list[Finding]:
    present = store.respondents([round_id])
    names = {folded(name) for name in present["display_name"] if name}
    return [warning(f"Someone called '{person.display_name}' already takes part in this round; "
                    "importing adds a second person of that name. If it is the same person, "
                    "delete this row.", person.first_row)
            for person in people if person.display_name and folded(person.display_name) in names]

