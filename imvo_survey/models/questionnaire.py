"""Questionnaires and their versions, sections, questions and choices.

A version is a draft until published; a published version never changes (a guard on
the session refuses it), so answers always match the questions they answered.
Editing a published questionnaire means making a new draft version from it.
"""

from __future__ import annotations

from datetime import datetime
from itertools import chain

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, one_of
from .questionnaire_vocabulary import AUDIENCES, INVENTORIES, QUESTION_TYPES, REFERENCE_LISTS
from .user import User

VERSION_STATUSES = ("draft", "published")
INVENTORY_FIELD_NAMES = ("title", "description", "activity_type", "aspects", "countries", "product_groups",
                         "start_year", "member_share", "partners", "partners_other", "channels",
                         "publish_consent", "what_would_help")


class PublishedVersionError(RuntimeError):
    """Something tried to change a published questionnaire version."""


class Questionnaire(TimestampMixin, db.Model):
    """A questionnaire (vragenlijst) for one audience, with its versions."""

    __tablename__ = "questionnaire"
    __table_args__ = (one_of("audience", AUDIENCES, "audience"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Stable code, such as imvo-associations.
    code: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    #: association (branch associations and boards) or company.
    audience: Mapped[str] = mapped_column(String(20), nullable=False)
    #: Title in Dutch.
    title_nl: Mapped[str] = mapped_column(String(300), nullable=False)
    #: Title in English.
    title_en: Mapped[str] = mapped_column(String(300), nullable=False)
    #: Description in Dutch.
    description_nl: Mapped[str | None] = mapped_column(Text)
    #: Description in English.
    description_en: Mapped[str | None] = mapped_column(Text)

    versions: Mapped[list[QuestionnaireVersion]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.number",
        cascade="all, delete-orphan")

    def title(self, language: str = "nl") -> str:
        return self.title_en if language == "en" else self.title_nl

    def description(self, language: str = "nl") -> str:
        return (self.description_en if language == "en" else self.description_nl) or ""

    @property
    def latest_published(self) -> QuestionnaireVersion | None:
        published = [v for v in self.versions if v.status == "published"]
        return published[-1] if published else None

    def __repr__(self) -> str:
        return f"<Questionnaire {self.code}>"


class QuestionnaireVersion(TimestampMixin, db.Model):
    """One version of a questionnaire: a draft, or published and immutable."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "number"),
        one_of("status", VERSION_STATUSES, "status"),
        one_of("default_language", ("nl", "en"), "default_language"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("status = 'draft' OR published_at IS NOT NULL", name="published_at_when_published"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The questionnaire.
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), nullable=False, index=True)
    #: 1, 2, 3, ... within the questionnaire.
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    #: draft or published.
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="draft")
    #: The language a workbook's plain `label` column is in.
    default_language: Mapped[str] = mapped_column(String(2), nullable=False, default="nl")
    #: The version this draft was made from, if any.
    based_on_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="SET NULL"))
    #: When it was published (UTC).
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who published it.
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")
    based_on: Mapped[QuestionnaireVersion | None] = relationship(remote_side=lambda: QuestionnaireVersion.id)
    published_by: Mapped[User | None] = relationship()
    sections: Mapped[list[Section]] = relationship(
        back_populates="version", order_by="Section.position", cascade="all, delete-orphan")
    #: Every question of the version, sub-questions included.
    questions: Mapped[list[Question]] = relationship(back_populates="version", cascade="all, delete-orphan")

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)

    def __repr__(self) -> str:
        return f"<QuestionnaireVersion {self.questionnaire_id} v{self.number} {self.status}>"


class Section(db.Model):
    """A page of the questionnaire: a title, an introduction and its questions."""

    __tablename__ = "section"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The version.
    version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE"), nullable=False, index=True)
    #: Order within the version.
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Stable code (the XLSForm group name).
    code: Mapped[str] = mapped_column(String(80), nullable=False)
    #: Title in Dutch.
    title_nl: Mapped[str] = mapped_column(String(300), nullable=False)
    #: Title in English.
    title_en: Mapped[str] = mapped_column(String(300), nullable=False)
    #: Introduction in Dutch.
    intro_nl: Mapped[str | None] = mapped_column(Text)
    #: Introduction in English.
    intro_en: Mapped[str | None] = mapped_column(Text)

    version: Mapped[QuestionnaireVersion] = relationship(back_populates="sections")
    questions: Mapped[list[Question]] = relationship(
        primaryjoin="and_(Section.id == Question.section_id, Question.parent_id.is_(None))",
        order_by="Question.position", viewonly=True)

    def title(self, language: str = "nl") -> str:
        return self.title_en if language == "en" else self.title_nl

    def intro(self, language: str = "nl") -> str:
        return (self.intro_en if language == "en" else self.intro_nl) or ""


class Question(db.Model):
    """A question, or a repeating group whose sub-questions point at it as parent."""

    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("version_id", "code"),
        one_of("type", QUESTION_TYPES, "type"),
        one_of("reference", REFERENCE_LISTS, "reference"),
        one_of("inventory", INVENTORIES, "inventory"),
        one_of("inventory_field", INVENTORY_FIELD_NAMES, "inventory_field"),
        CheckConstraint("(reference IS NOT NULL) = (type IN ('reference_one', 'reference_many'))",
                        name="reference_for_pickers"),
        CheckConstraint("type = 'repeat' OR (inventory IS NULL AND min_repeat IS NULL AND max_repeat IS NULL)",
                        name="repeat_settings_for_repeats"),
        CheckConstraint("type <> 'repeat' OR NOT required", name="repeat_not_required"),
        CheckConstraint("min_repeat IS NULL OR min_repeat >= 0", name="min_repeat_positive"),
        CheckConstraint("max_repeat IS NULL OR (max_repeat >= 1 AND (min_repeat IS NULL OR max_repeat >= min_repeat))",
                        name="max_repeat_range"),
        CheckConstraint("min_value IS NULL OR max_value IS NULL OR min_value <= max_value", name="min_below_max"),
        CheckConstraint("max_length IS NULL OR max_length >= 1", name="max_length_positive"),
        CheckConstraint("inventory_field IS NULL OR parent_id IS NOT NULL", name="field_in_repeat"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The version (also for sub-questions, so codes are unique per version).
    version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE"), nullable=False, index=True)
    #: The section (page) it is on.
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"), nullable=False, index=True)
    #: The repeating group, for a sub-question.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    #: Order within the section or the repeating group.
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Stable code, unique within the version and kept across versions.
    code: Mapped[str] = mapped_column(String(80), nullable=False)
    #: One of QUESTION_TYPES (models/questionnaire_vocabulary.py).
    type: Mapped[str] = mapped_column(String(20), nullable=False)
    #: Question text in Dutch.
    label_nl: Mapped[str] = mapped_column(Text, nullable=False)
    #: Question text in English.
    label_en: Mapped[str] = mapped_column(Text, nullable=False)
    #: Help text in Dutch.
    hint_nl: Mapped[str | None] = mapped_column(Text)
    #: Help text in English.
    hint_en: Mapped[str | None] = mapped_column(Text)
    #: An answer is needed (when the question is shown).
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: Show-if condition (see questionnaires.conditions), or NULL for always.
    show_if: Mapped[dict | None] = mapped_column(JSON)
    #: Lowest number allowed.
    min_value: Mapped[float | None] = mapped_column(Float)
    #: Highest number allowed.
    max_value: Mapped[float | None] = mapped_column(Float)
    #: Longest text allowed.
    max_length: Mapped[int | None] = mapped_column(Integer)
    #: Regular expression a text must match.
    pattern: Mapped[str | None] = mapped_column(String(500))
    #: Message when a validation rule fails, in Dutch.
    constraint_message_nl: Mapped[str | None] = mapped_column(Text)
    #: The same in English.
    constraint_message_en: Mapped[str | None] = mapped_column(Text)
    #: Name of the XLSForm choice list (choice questions), when not the code.
    list_name: Mapped[str | None] = mapped_column(String(80))
    #: The reference list of a picker (aspect, country, ...).
    reference: Mapped[str | None] = mapped_column(String(40))
    #: Label of 1 on a scale, in Dutch.
    scale_min_label_nl: Mapped[str | None] = mapped_column(String(200))
    #: Label of 1 on a scale, in English.
    scale_min_label_en: Mapped[str | None] = mapped_column(String(200))
    #: Label of 5 on a scale, in Dutch.
    scale_max_label_nl: Mapped[str | None] = mapped_column(String(200))
    #: Label of 5 on a scale, in English.
    scale_max_label_en: Mapped[str | None] = mapped_column(String(200))
    #: Which inventory a repeating group feeds: activity, dilemma, bottleneck.
    inventory: Mapped[str | None] = mapped_column(String(20))
    #: Least number of entries of a repeating group.
    min_repeat: Mapped[int | None] = mapped_column(Integer)
    #: Largest number of entries of a repeating group.
    max_repeat: Mapped[int | None] = mapped_column(Integer)
    #: The inventory field a sub-question of a bound repeating group fills.
    inventory_field: Mapped[str | None] = mapped_column(String(30))
    #: Texts in languages other than Dutch and English, by XLSForm column as written
    #: (`label::Français (fr)`): kept from an imported form and written back on export;
    #: respondents see only Dutch and English. Deferred: only an export reads them
    #: (`definition_of`, all of a version's at once).
    other_texts: Mapped[dict | None] = mapped_column(JSON, deferred=True)

    version: Mapped[QuestionnaireVersion] = relationship(back_populates="questions")
    section: Mapped[Section] = relationship()
    parent: Mapped[Question | None] = relationship(back_populates="children", remote_side=lambda: Question.id)
    children: Mapped[list[Question]] = relationship(
        back_populates="parent", order_by="Question.position", cascade="all, delete-orphan")
    choices: Mapped[list[Choice]] = relationship(
        back_populates="question", order_by="Choice.position", cascade="all, delete-orphan")

    def label(self, language: str = "nl") -> str:
        return self.label_en if language == "en" else self.label_nl

    def hint(self, language: str = "nl") -> str:
        return (self.hint_en if language == "en" else self.hint_nl) or ""

    def __repr__(self) -> str:
        return f"<Question {self.code} {self.type}>"


class Choice(db.Model):
    """One answer option of a single- or multiple-choice question."""

    __tablename__ = "choice"
    __table_args__ = (UniqueConstraint("question_id", "code"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The question.
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), nullable=False, index=True)
    #: Order of the options.
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Stable code, stored as the answer.
    code: Mapped[str] = mapped_column(String(80), nullable=False)
    #: Label in Dutch.
    label_nl: Mapped[str] = mapped_column(Text, nullable=False)
    #: Label in English.
    label_en: Mapped[str] = mapped_column(Text, nullable=False)
    #: Labels in other languages, by XLSForm column as written (see `Question.other_texts`).
    other_texts: Mapped[dict | None] = mapped_column(JSON, deferred=True)

    question: Mapped[Question] = relationship(back_populates="choices")

    def label(self, language: str = "nl") -> str:
        return self.label_en if language == "en" else self.label_nl


def _stored_status(session: Session, version_id: int | None) -> str | None:
    """The status a version has in the database now, before this flush writes anything."""
    if version_id is None:
        return None
    return session.scalar(select(QuestionnaireVersion.status).where(QuestionnaireVersion.id == version_id))


def _version_id(session: Session, obj) -> int | None:
    """The id of the version an object belongs to (None for one not yet attached)."""
    if isinstance(obj, QuestionnaireVersion):
        return obj.id
    if isinstance(obj, (Section, Question)):
        if obj.version_id is not None:
            return obj.version_id
        return obj.version.id if obj.version is not None else None
    if isinstance(obj, Choice):
        question = obj.question or (session.get(Question, obj.question_id) if obj.question_id else None)
        return _version_id(session, question) if question is not None else None
    return None


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_published_versions(session: Session, flush_context, instances) -> None:
    """A published version, its sections, questions and choices never change."""
    statuses: dict[int | None, str | None] = {}
    with session.no_autoflush:
        for obj in chain(session.new, session.dirty, session.deleted):
            if not isinstance(obj, (QuestionnaireVersion, Section, Question, Choice)):
                continue
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            version_id = _version_id(session, obj)
            if version_id not in statuses:
                statuses[version_id] = _stored_status(session, version_id)
            if statuses[version_id] == "published":
                raise PublishedVersionError(
                    f"Version {version_id} is published and cannot be changed; make a new draft version.")
