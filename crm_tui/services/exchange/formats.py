"""The export files of the tools people come from, recognised by their header.

Each `Format` is a header table written from the tool's documented export (column ->
field, or None for a column whose name would otherwise map it wrongly: Shopify's order
`Id` is not one of ours) plus how to recognise it: all the columns of one of its
`signature` sets, none of its `without` columns. `mapping.build_mapping` looks a header up
here first; a recognised file's table takes precedence over the general aliases for its
columns, and the aliases still map the rest. `fixed` fields are what the file says of
every row without a column for it (a Mailchimp export of subscribed members: every one
opted in to email). `joined`: how the tool puts several values in one cell (Google
Contacts: "a@x.com ::: b@y.com"): a field takes the first, tags take each but the tool's
own labels (those starting with "* ", like "* myContacts").

Columns a tool exports that have no home here (Shopify's "Tax Exempt", HubSpot's "Job
Title"...) are left out of the tables on purpose: they are reported as not imported.
Names are the normalised keys of `mapping.normalize` ("Default Address City" ->
"defaultaddresscity").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Format:
    name: str  # as users know the file: "Shopify orders export"
    kind: str  # the record kind its rows are
    signature: tuple[frozenset[str], ...]
    columns: Mapping[str, str | None]
    without: frozenset[str] = frozenset()
    fixed: Mapping[str, str] = field(default_factory=dict)
    joined: str | None = None

    def matches(self, keys: frozenset[str]) -> bool:
        return not (self.without & keys) and any(sign <= keys for sign in self.signature)


def _signs(*groups: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(group.split()) for group in groups)


_SHOPIFY_CUSTOMER = {
    "customerid": "external_id", "firstname": "first_name", "lastname": "last_name",
    "email": "email", "phone": "phone", "tags": "tags", "note": "note",
    "acceptsemailmarketing": "email_opt_in", "acceptsmarketing": "email_opt_in",
    "acceptssmsmarketing": "sms_opt_in",
    # Exports since 2023: the default address under "Default Address ..."
    "defaultaddresscompany": "company", "defaultaddressaddress1": "street",
    "defaultaddressaddress2": "street2", "defaultaddresscity": "city",
    "defaultaddressprovincecode": "region", "defaultaddresscountrycode": "country",
    "defaultaddresszip": "postal_code", "defaultaddressphone": "alt_phone",
    # Older exports: the address under plain names (province and country spelt out)
    "company": "company", "address1": "street", "address2": "street2", "city": "city",
    "province": "region", "country": "country", "zip": "postal_code",
    # What Shopify works out from the orders: here, the orders' own import does
    "totalspent": None, "totalorders": None,
}

_SHOPIFY_ORDERS = {
    "name": "external_id", "email": "customer_email", "financialstatus": "status",
    "createdat": "date", "shipping": "shipping", "taxes": "tax", "total": "total",
    "discountamount": "discount", "paymentmethod": "payment_method", "notes": "note",
    "refundedamount": "refunded", "lineitemquantity": "line_quantity",
    "lineitemname": "line_item", "lineitemprice": "line_unit_price", "lineitemsku": "line_sku",
    "billingname": "customer_name", "phone": "customer_phone",
    "billingcompany": "customer_company", "id": None, "billingphone": None,
    "subtotal": None,
}

_HUBSPOT = {
    "recordid": "external_id", "firstname": "first_name", "lastname": "last_name",
    "email": "email", "phonenumber": "phone", "mobilephonenumber": "alt_phone",
    "companyname": "company", "createdate": "created_at", "contactowner": "owner",
    "lifecyclestage": "stage", "streetaddress": "street", "city": "city",
    "stateregion": "region", "postalcode": "postal_code", "countryregion": "country",
    "country": "country", "industry": "industry",
}

_MAILCHIMP = {
    "emailaddress": "email", "firstname": "first_name", "lastname": "last_name",
    "address": "full_address", "phonenumber": "phone", "tags": "tags", "notes": "note",
    "optintime": "created_at", "cc": "country", "region": "region", "language": "language",
}

_SALESFORCE = {
    "contactid": "external_id", "id": "external_id", "firstname": "first_name",
    "lastname": "last_name", "accountname": "company", "email": "email", "phone": "phone",
    "mobile": "alt_phone", "mobilephone": "alt_phone", "mailingstreet": "street",
    "mailingcity": "city", "mailingstateprovince": "region", "mailingstate": "region",
    "mailingzippostalcode": "postal_code", "mailingpostalcode": "postal_code",
    "mailingcountry": "country", "emailoptout": "email_opt_out",
    "hasoptedoutofemail": "email_opt_out", "leadsource": "source", "contactowner": "owner",
    "createddate": "created_at", "industry": "industry",
}

_ZOHO = {
    "recordid": "external_id", "firstname": "first_name", "lastname": "last_name",
    "accountname": "company", "email": "email", "phone": "phone", "mobile": "alt_phone",
    "mailingstreet": "street", "mailingcity": "city", "mailingstate": "region",
    "mailingzip": "postal_code", "mailingcountry": "country", "emailoptout": "email_opt_out",
    "leadsource": "source", "contactowner": "owner", "createdtime": "created_at",
    "tag": "tags", "description": "note", "industry": "industry",
}

_PIPEDRIVE = {
    "personid": "external_id", "personname": "name", "personfirstname": "first_name",
    "personlastname": "last_name", "personorganization": "company", "personemail": "email",
    "personemailwork": "email", "personphone": "phone", "personphonework": "phone",
    "personphonemobile": "alt_phone", "personowner": "owner", "personlabel": "tags",
    "personlabels": "tags", "personpersoncreated": "created_at",
    "personpostaladdress": "full_address", "personmarketingstatus": "email_subscription",
}

# Google Contacts' export ("Google CSV"): since 2023 with First/Last Name and Labels; before,
# Given/Family Name and Group Membership. Several values of one kind share a cell.
_GOOGLE = {
    "firstname": "first_name", "lastname": "last_name", "givenname": "first_name",
    "familyname": "last_name", "name": "name", "organizationname": "company",
    "organization1name": "company", "notes": "note", "labels": "tags",
    "groupmembership": "tags", "email1value": "email", "phone1value": "phone",
    "phone2value": "alt_phone", "address1street": "street", "address1city": "city",
    "address1region": "region", "address1postalcode": "postal_code",
    "address1country": "country", "address1extendedaddress": "street2",
    "address1formatted": None, "organizationtitle": None, "organization1title": None,
}

_MAILCHIMP_SIGN = _signs("emailaddress memberrating", "emailaddress optintime confirmtime")

FORMATS: tuple[Format, ...] = (
    Format("Shopify customers export", "customers",
           _signs("customerid acceptsemailmarketing", "acceptsemailmarketing totalspent",
                  "acceptsmarketing totalspent totalorders"),
           _SHOPIFY_CUSTOMER),
    Format("Shopify orders export", "purchases",
           _signs("name financialstatus lineitemname", "name lineitemquantity lineitemprice"),
           _SHOPIFY_ORDERS),
    Format("HubSpot contacts export", "customers",
           _signs("recordid createdate", "recordid lifecyclestage"), _HUBSPOT),
    Format("Mailchimp audience export (subscribed)", "customers", _MAILCHIMP_SIGN,
           _MAILCHIMP, without=frozenset({"unsubtime", "cleantime"}),
           fixed={"email_opt_in": "yes"}),
    Format("Mailchimp audience export (unsubscribed)", "customers",
           _signs("emailaddress unsubtime"), _MAILCHIMP, without=frozenset({"cleantime"}),
           fixed={"email_opt_in": "no"}),
    Format("Mailchimp audience export (cleaned)", "customers",
           _signs("emailaddress cleantime"), _MAILCHIMP, fixed={"email_opt_in": "no"}),
    Format("Salesforce contacts export", "customers",
           _signs("contactid mailingcity", "accountname mailingcity contactowner",
                  "mailingstreet hasoptedoutofemail"),
           _SALESFORCE, without=frozenset({"recordid"})),
    Format("Zoho CRM contacts export", "customers",
           _signs("recordid createdtime", "recordid contactowner mailingcity"), _ZOHO),
    Format("Google Contacts export", "customers",
           _signs("email1value labels", "email1value groupmembership",
                  "email1label firstname", "email1type givenname"),
           _GOOGLE, joined=" ::: "),
    Format("Pipedrive people export", "customers",
           _signs("personname", "personemail", "personfirstname"), _PIPEDRIVE),
)


def detect(keys: Iterable[str], kind: str | None = None) -> Format | None:
    """The format a header (normalised column keys) is, among those of `kind` (any kind
    when None): the one whose table knows the most of its columns, if any matches."""
    header = frozenset(keys)
    found = [f for f in FORMATS if (kind is None or f.kind == kind) and f.matches(header)]
    return max(found, key=lambda f: len(header & f.columns.keys()), default=None)
