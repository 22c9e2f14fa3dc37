"""All models, imported here so that the metadata is complete for Alembic."""

from .activity_count import ActivityCount, refresh_counts
from .analysis_stamp import AnalysisStamp, stamp_rounds
from .api_token import ApiToken
from .base import UTCDateTime, saved_id, utcnow
from .benchmark import DEFAULT_SOURCE, LEVELS, BenchmarkScore
from .benchmark_import import BenchmarkAlias, BenchmarkImport
from .job import JOB_KINDS, JOB_STATUSES, Job
from .login_session import LoginSession
from .organisation import (
    ASSOCIATION_KINDS,
    KINDS,
    LANGUAGES,
    SIZES,
    Contact,
    Organisation,
    name_key,
    organisation_membership,
)
from .outbox import OUTBOX_STATUSES, OutboxMessage
from .practice import PUBLIC_TEXT_MAX, GoodPractice
from .privacy import PRIVACY_ACTIONS, PrivacyEvent
from .public_figures import FiguresPublication
from .questionnaire import (
    Choice,
    PublishedVersionError,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Section,
)
from .reference import (
    TAXONOMIES,
    ActivityType,
    Aspect,
    AspectGroup,
    Branch,
    ChainInitiative,
    Country,
    ProductGroup,
    ReportingChannel,
    Sector,
    SectorAlias,
    branch_sector,
    country_region,
)
from .registration import REGISTRATION_STATUSES, Registration
from .report import REPORT_LANGUAGES, REPORT_STATUSES, ProgressReport, ReportChangedError
from .response import (
    CARRY_STATUSES,
    RESPONSE_STATUSES,
    Activity,
    Answer,
    Bottleneck,
    Dilemma,
    PendingSave,
    Response,
    ResponseEvent,
    ResponseNote,
    ResponseSection,
)
from .risk import RISK_LEVELS, SUBJECTS, ImportShare, ManualRelevance, RiskEntry
from .round import (
    INVITATION_STATUSES,
    NOT_YET_ACTED_STATUSES,
    REMINDABLE_STATUSES,
    RESPONDED_STATUSES,
    ROUND_STATUSES,
    DeadlineExtension,
    Invitation,
    InvitationToken,
    Reminder,
    Round,
    RoundEvent,
)
from .sample import (
    EVIDENCE_KINDS,
    OUTCOMES,
    SAMPLE_METHODS,
    ActivityCheck,
    EvidenceFile,
    SampledResponse,
    VerificationSample,
)
from .user import ROLES, STAFF_ROLES, User

__all__ = [
    "ActivityCount", "AnalysisStamp", "ApiToken", "refresh_counts", "stamp_rounds",
    "CARRY_STATUSES", "RESPONSE_STATUSES", "Activity", "Answer", "Bottleneck", "Dilemma", "PendingSave",
    "Response", "ResponseEvent", "ResponseNote", "ResponseSection",
    "INVITATION_STATUSES", "OUTBOX_STATUSES", "REGISTRATION_STATUSES", "REMINDABLE_STATUSES", "NOT_YET_ACTED_STATUSES",
    "RESPONDED_STATUSES", "ROUND_STATUSES", "DeadlineExtension", "Invitation", "InvitationToken",
    "LoginSession", "OutboxMessage", "PRIVACY_ACTIONS", "PrivacyEvent", "FiguresPublication", "Registration", "Reminder", "Round",
    "RoundEvent",
    "ASSOCIATION_KINDS", "DEFAULT_SOURCE", "KINDS", "LANGUAGES", "LEVELS", "ROLES", "STAFF_ROLES", "SIZES",
    "TAXONOMIES", "ActivityType", "Aspect", "AspectGroup", "BenchmarkAlias", "BenchmarkImport", "BenchmarkScore", "Branch",
    "ChainInitiative", "Choice", "Contact", "PublishedVersionError", "Question", "Questionnaire",
    "QuestionnaireVersion", "Section", "Country", "Organisation", "ProductGroup",
    "ReportingChannel", "Sector", "SectorAlias", "User", "UTCDateTime", "branch_sector",
    "country_region", "name_key",
    "GoodPractice", "PUBLIC_TEXT_MAX",
    "JOB_KINDS", "JOB_STATUSES", "Job",
    "REPORT_LANGUAGES", "REPORT_STATUSES", "ProgressReport", "ReportChangedError",
    "EVIDENCE_KINDS", "OUTCOMES", "SAMPLE_METHODS", "ActivityCheck", "EvidenceFile", "SampledResponse",
    "VerificationSample",
    "RISK_LEVELS", "SUBJECTS", "ImportShare", "ManualRelevance", "RiskEntry", "organisation_membership", "saved_id", "utcnow",
]
