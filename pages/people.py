"""People and roles (administrators): who may see and do what when the app is shared."""

from __future__ import annotations

import streamlit as st

from collab_assess.access.identity import Mode
from collab_assess.store.grants import ROLE_HELP, ROLE_NAMES, Role
from collab_assess.store.roles import EMAIL_MAX
from collab_assess.text import as_text
from pages.widgets.address_bar import keep_choices_in_address_bar
from pages.widgets.messages import form_key, save_and_rerun, show_flash
from pages.widgets.signed_in import actor, deployment
from pages.widgets.store_access import app_store

store = app_store()
keep_choices_in_address_bar()
st.title("People and roles")
show_flash()
if deployment().mode is Mode.LOCAL:
    st.info("This copy runs in local mode, so nobody signs in and these roles are not used yet. "
            "They take effect when the app is switched to shared mode (see the README's section "
            "“Deploying for many collaboratives”).", icon=":material/info:")

st.markdown("A role is given to the e-mail address a person signs in with. People answering a "
            "self-assessment or voting in a workshop need no role: their code is their key.")
with st.expander("What each role may do"):
    for role in Role:
        st.markdown(f"**{ROLE_NAMES[role]}**: {ROLE_HELP[role]}")

collaboratives = store.collaboratives()
names = dict(zip(collaboratives["id"], collaboratives["name"], strict=True))
regions = store.regions()

st.header("Give someone a role")
with st.form("grant-role"):
    email = st.text_input("E-mail address", key=form_key("grant", "email"), max_chars=EMAIL_MAX,
                          placeholder="name@nhs.net",
                          help="The address the person signs in with.")
    # Most grants are for leads; administrator comes last so it is never given by default.
    role = st.selectbox("Role", [Role.LEAD, Role.FACILITATOR, Role.REGIONAL, Role.ADMIN],
                        format_func=lambda r: ROLE_NAMES[r],
                        key=form_key("grant", "role"),
                        help=" ".join(f"{ROLE_NAMES[r]}: {ROLE_HELP[r]}" for r in Role))
    collaborative_id = st.selectbox(
        "Collaborative", list(names), index=None, format_func=lambda c: names[c],
        key=form_key("grant", "collaborative"), placeholder="Choose one (not for administrators)",
        help="The collaborative a lead or facilitator works for; or one a regional team reads.")
    region = st.selectbox("Region", regions, index=None, key=form_key("grant", "region"),
                          placeholder="Regional teams only: a whole region",
                          help="A regional team can read every collaborative in a region "
                          "instead of a named one.")
    granted = st.form_submit_button("Grant", type="primary")
if granted:
    save_and_rerun(
        lambda: store.grant_role(email, role, actor(),
                                 collaborative_id=collaborative_id, region=region),
        "Role given. It applies the next time that person opens a page.", empty_form="grant")

st.header("Who has which role")
grants = store.role_grants()
admins = sorted(deployment().admins)
if admins:
    st.caption("Administrators named in the server's settings (always administrators): "
               + ", ".join(as_text(admin) for admin in admins))
if grants.empty:
    st.markdown("Nobody has been given a role yet.")
    st.stop()

shown = grants.assign(role=grants["role"].map(lambda r: ROLE_NAMES[Role(r)]),
                      collaborative=grants["collaborative"].fillna(""),
                      region=grants["region"].fillna(""))
st.dataframe(
    shown[["email", "role", "collaborative", "region", "granted_at", "granted_by"]],
    hide_index=True,
    column_config={
        "email": "E-mail address", "role": "Role", "collaborative": "Collaborative",
        "region": st.column_config.TextColumn("Region", width="medium"),
        "granted_at": st.column_config.DatetimeColumn("Given on", format="D MMM YYYY, HH:mm"),
        "granted_by": "Given by",
    },
)


def described(grant_id: int) -> str:
    row = shown[shown["id"] == grant_id].iloc[0]
    scope = row["collaborative"] or row["region"]
    return f"{row['email']}: {row['role']}" + (f" ({scope})" if scope else "")


with st.form("revoke-role"):
    grant_id = st.selectbox("Role to take away", shown["id"].tolist(), index=None,
                            format_func=described, key=form_key("revoke", "grant"),
                            placeholder="Choose a person's role")
    revoke = st.form_submit_button("Take this role away")
if revoke:
    if grant_id is None:
        st.error("Choose the role to take away first.", icon=":material/error:")
    else:
        save_and_rerun(lambda: store.revoke_role(grant_id, actor()),
                       "Role taken away. It stops applying the next time that person opens a "
                       "page.", empty_form="revoke")
