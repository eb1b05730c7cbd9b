"""Accounts: sign-up, sessions and API keys, account mail and settings, and the admin's work on users."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import providers

from application.use_cases.account import GetBalance, GetMe, ListLedger
from application.use_cases.accounts.change_credentials import ChangeEmail, ChangePassword
from application.use_cases.accounts.delete_account import DeleteAccount
from application.use_cases.accounts.ensure_active import EnsureActive
from application.use_cases.accounts.export_account import ExportAccount
from application.use_cases.accounts.links import AccountLinks
from application.use_cases.accounts.password_reset import ConfirmPasswordReset, RequestPasswordReset
from application.use_cases.accounts.send_account_mail import SendAccountMail
from application.use_cases.accounts.verify_email import ResendVerification, VerifyEmail
from application.use_cases.admin.audit import ListAudit
from application.use_cases.admin.require_admin import RequireAdmin
from application.use_cases.admin.users import FindUsers, GetUser, PromoteUser, SetAccountDisabled, UserEmails
from application.use_cases.api_keys import CreateApiKey, ListApiKeys, RevokeApiKey
from application.use_cases.authenticate import Authenticate
from application.use_cases.grant_credits import GrantCredits
from application.use_cases.log_in import LogIn
from application.use_cases.log_out import LogOut
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.resolve_bearer import ResolveBearer
from application.use_cases.session_tokens import SessionTokens
from application.use_cases.sign_up import SignUp
from entrypoints.container.ports import Ports
from entrypoints.settings import Settings

# The shared ports under their names in the container.
settings = Ports.settings
clock = Ports.clock
ids = Ports.ids
uow = Ports.uow
account_cache = Ports.account_cache
storage = Ports.storage
hasher = Ports.hasher
tokens = Ports.tokens
secrets = Ports.secrets
mailer = Ports.mailer
mail_queue = Ports.mail_queue


def _mail_origin(settings: Settings) -> str:
    # Mail is composed by a worker, away from any request: without PUBLIC_URL (development), serve's default address.
    return settings.public_url or "http://127.0.0.1:8000"


def _bonus_at_verification(settings: Settings) -> int:
    return settings.signup_credits if settings.bonus_requires_verification else 0


class Accounts(Ports):
    """The use cases of accounts, sessions and keys; the admin's on users."""

    session_tokens = providers.Singleton(
        SessionTokens,
        tokens,
        ids,
        access_ttl=providers.Callable(timedelta, seconds=settings.provided.access_token_seconds),
        refresh_ttl=providers.Callable(timedelta, seconds=settings.provided.refresh_token_seconds),
    )
    authenticate = providers.Singleton(Authenticate, tokens, clock)
    resolve_bearer = providers.Factory(ResolveBearer, uow.provider, secrets, authenticate, clock)
    create_api_key = providers.Factory(CreateApiKey, uow.provider, secrets, clock, ids)
    list_api_keys = providers.Factory(ListApiKeys, uow.provider)
    revoke_api_key = providers.Factory(RevokeApiKey, uow.provider, clock)
    account_links = providers.Singleton(
        AccountLinks,
        tokens,
        ids,
        providers.Callable(_mail_origin, settings),
        reset_ttl=providers.Callable(timedelta, seconds=settings.provided.password_reset_token_seconds),
        verify_ttl=providers.Callable(timedelta, seconds=settings.provided.email_token_seconds),
    )
    send_account_mail = providers.Factory(SendAccountMail, uow.provider, account_links, mailer, clock)
    request_password_reset = providers.Factory(RequestPasswordReset, mail_queue)
    confirm_password_reset = providers.Factory(ConfirmPasswordReset, uow.provider, account_links, hasher, clock)
    verify_email = providers.Factory(
        VerifyEmail,
        uow.provider,
        account_links,
        clock,
        ids,
        bonus_at_verification=providers.Callable(_bonus_at_verification, settings),
    )
    resend_verification = providers.Factory(ResendVerification, uow.provider, mail_queue)
    change_password = providers.Factory(ChangePassword, uow.provider, hasher, clock)
    change_email = providers.Factory(ChangeEmail, uow.provider, hasher, mail_queue)
    ensure_active = providers.Factory(EnsureActive, uow.provider, account_cache)
    export_account = providers.Factory(ExportAccount, uow.provider, storage)
    delete_account = providers.Factory(DeleteAccount, uow.provider, hasher, storage, clock, account_cache)
    require_admin = providers.Factory(RequireAdmin, uow.provider)
    find_users = providers.Factory(FindUsers, uow.provider)
    get_user = providers.Factory(GetUser, uow.provider)
    user_emails = providers.Factory(UserEmails, uow.provider)
    promote_user = providers.Factory(PromoteUser, uow.provider, clock, ids)
    set_account_disabled = providers.Factory(SetAccountDisabled, uow.provider, clock, ids, account_cache)
    list_audit = providers.Factory(ListAudit, uow.provider)
    sign_up = providers.Factory(
        SignUp,
        uow.provider,
        hasher,
        clock,
        ids,
        signup_credits=settings.provided.signup_credits,
        mail=mail_queue,
        bonus_requires_verification=settings.provided.bonus_requires_verification,
    )
    log_in = providers.Singleton(LogIn, uow.provider, hasher, session_tokens, clock, ids)
    refresh_session = providers.Factory(RefreshSession, uow.provider, tokens, session_tokens, clock)
    log_out = providers.Factory(LogOut, uow.provider, clock)
    get_me = providers.Factory(GetMe, uow.provider)
    get_balance = providers.Factory(GetBalance, uow.provider)
    list_ledger = providers.Factory(ListLedger, uow.provider)
    grant_credits = providers.Factory(GrantCredits, uow.provider, clock, ids)
