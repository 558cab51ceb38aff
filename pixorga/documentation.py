"""`/documentation/`: the school guides' steps in the product's own words, and the
troubleshooting kit of the students' refusal codes.

In the project package because the page describes every app (the kit comes from
`campaigns`, which `organizations` may not import). The buttons, links and fields the
guides name are in `LABELS`: the very messages of the pages that show them (a test checks
that each one is used elsewhere), so a renamed button cannot leave the guide behind.
"""

from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop

from campaigns.troubleshooting import EXAMPLE_DIVISION, troubleshooting_kit
from organizations.permissions import org_view

LABELS = {
    # Invitation, account, terms of use.
    "accept_invitation": gettext_noop("Accept the invitation"),
    "create_account": gettext_noop("Create an account"),
    "sign_in": gettext_noop("Sign in"),
    "accept": gettext_noop("Accept"),
    "accept_cgu": gettext_noop("Accept and continue"),
    "self_activation": gettext_noop("Activate or recover your Pix Orga space"),
    # The student list.
    "students": gettext_noop("Students"),
    "import": gettext_noop("Import"),
    "siecle_file": gettext_noop("SIECLE file"),
    "by_class": gettext_noop("By class"),
    "confirm_import": gettext_noop("Confirm the import"),
    "cancel": gettext_noop("Cancel"),
    "see_students": gettext_noop("See the students"),
    "import_history": gettext_noop("Import history"),
    "import_a_file": gettext_noop("Import a file"),
    # The team.
    "team": gettext_noop("Team"),
    "invite_member": gettext_noop("Invite a member"),
    "invite_addresses": gettext_noop("E-mail addresses of the people to invite"),
    "continue": gettext_noop("Continue"),
    "confirm_invitations": gettext_noop("Confirm the invitations"),
    "pending_invitations": gettext_noop("Pending invitations"),
    "resend": gettext_noop("Resend"),
    # Campaigns.
    "campaigns": gettext_noop("Campaigns"),
    "per_class": gettext_noop("Create one campaign per class"),
    "campaign_name": gettext_noop("Campaign name"),
    "title_shown": gettext_noop("Title shown to students"),
    "create_campaigns": gettext_noop("Create the campaigns"),
    "copy_code": gettext_noop("Copy the code"),
    "copy_link": gettext_noop("Copy the link"),
    "follow_up": gettext_noop("Follow-up by class"),
    "print": gettext_noop("Print"),
    "export": gettext_noop("Export the results (CSV)"),
    "unarchive": gettext_noop("Unarchive"),
    # The students' side.
    "i_have_a_code": gettext_noop("I have a code"),
    "campaign_code": gettext_noop("Campaign code"),
    "go": gettext_noop("Go"),
    "start": gettext_noop("Start"),
    "sign_up_without_email": gettext_noop("Create my account without an e-mail"),
    "sign_up_with_email": gettext_noop("Create my account with an e-mail"),
    "is_this_you": gettext_noop("Is this you?"),
    "link_and_create": gettext_noop("Link and create my account"),
    "link": gettext_noop("Link"),
    "identifier": gettext_noop("Your account's identifier"),
    "login_field": gettext_noop("E-mail address or identifier"),
    "send_results": gettext_noop("Send my results"),
    # The students' accounts, from the school's side.
    "password": gettext_noop("One-time password"),
    "identifier_and_password": gettext_noop("Identifier and one-time password"),
    "generate": gettext_noop("Generate the passwords"),
    "print_cards": gettext_noop("Print the cards"),
    "download_csv": gettext_noop("Download the CSV file"),
    "choose_password": gettext_noop("Choose your new password"),
    "unlink": gettext_noop("Unlink the account"),
}


@org_view()
def documentation(request):
    """Every member's help: the guides, then the kit (one entry per refusal code)."""
    return render(
        request,
        "pages/documentation.html",
        {
            "labels": {key: gettext(message) for key, message in LABELS.items()},
            "kit": troubleshooting_kit(),
            "example_division": EXAMPLE_DIVISION,
        },
    )
