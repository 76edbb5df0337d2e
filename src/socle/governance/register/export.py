"""The register as a spreadsheet, laid out like the CNIL's template: a first sheet with the
controller, the DPO and the list of activities, then one sheet per processing activity.

Built from the register's view (governance.register.views), so an export shows exactly what
its reader may see on the portal. XLSX is written with openpyxl, ODS by ``_ods``.
"""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from socle.errors import InputError
from socle.governance.register._ods import write_ods
from socle.governance.register._sheets import Sheet

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
CONTACT_LABELS = {
    "controller_name": "Responsable du traitement : nom",
    "controller_address": "Responsable du traitement : adresse",
    "controller_email": "Responsable du traitement : courriel",
    "controller_phone": "Responsable du traitement : téléphone",
    "dpo_name": "Délégué à la protection des données : nom",
    "dpo_address": "Délégué à la protection des données : adresse",
    "dpo_email": "Délégué à la protection des données : courriel",
    "dpo_phone": "Délégué à la protection des données : téléphone",
}
# Characters a sheet name may not hold (Excel), and its longest length.
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")
SHEET_LENGTH = 31


def sheets(register: dict[str, Any]) -> list[Sheet]:
    """The workbook's sheets: « Registre », then one per activity in the register's order."""
    first = Sheet("Registre")
    first.add(
        f"Registre des activités de traitement — {register['organization']['name']}", bold=True
    )
    first.heading("Coordonnées")
    for name, value in register["contacts"].items():
        first.add(CONTACT_LABELS[name], value)
    first.heading("Activités de traitement")
    first.add("N°", "Référence", "Traitement", "Finalité principale", "Base légale",
              "Données sensibles", "AIPD requise", "Statut de l'AIPD", bold=True)  # fmt: skip
    result = [first]
    for number, activity in enumerate(register["activities"], start=1):
        first.add(
            number, activity["reference"], activity["name"], activity["purpose"],
            activity["legal_basis_label"], activity["sensitive_data"],
            activity["dpia"]["required"], activity["dpia"]["status_label"],
        )  # fmt: skip
        result.append(activity_sheet(number, activity))
    return result


def activity_sheet(number: int, activity: dict[str, Any]) -> Sheet:
    """One « fiche de traitement »."""
    sheet = Sheet(_sheet_name(number, activity["name"]))
    sheet.add(f"Fiche de traitement n° {number} : {activity['name']}", bold=True)
    sheet.heading("Description du traitement")
    sheet.add("Nom", activity["name"])
    sheet.add("Référence", activity["reference"])
    sheet.add("Identifiant", activity["slug"])
    sheet.add("Mise à jour", activity["updated_at"])
    sheet.add("Service en charge", activity["service"])
    if "contact" in activity:
        sheet.add("Contact interne", activity["contact"]["name"], activity["contact"]["email"])
    sheet.add("Responsables conjoints", activity["joint_controllers"])
    sheet.heading("Finalité(s) du traitement")
    sheet.add("Finalité principale", activity["purpose"])
    for index, sub in enumerate(activity["sub_purposes"], start=1):
        sheet.add(f"Sous-finalité {index}", sub)
    sheet.heading("Base légale")
    sheet.add(activity["legal_basis_label"] or "Non renseignée", activity["legal_basis_detail"])
    _list(sheet, "Catégories de personnes concernées", activity["data_subjects"])
    sheet.heading("Catégories de données personnelles")
    sheet.add("Catégorie", "Description", "Délai d'effacement", "Donnée sensible", bold=True)
    for c in activity["data_categories"]:
        sheet.add(c["label"], c["description"], c["retention"], c["sensitive"])
    _list(sheet, "Sources des données", activity["sources"])
    _list(sheet, "Destinataires", activity["recipients"])
    sheet.heading("Sous-traitants")
    for p in activity["processors"]:
        sheet.add(p["name"], p["detail"])
    sheet.heading("Transferts de données hors de l'Union européenne")
    if activity["transfers"]:
        sheet.add("Destinataire", "Pays", "Garantie", "Documentation", bold=True)
    else:
        sheet.add("Aucun transfert hors de l'Union européenne")
    for t in activity["transfers"]:
        sheet.add(t["recipient"], t["country"], t["safeguard_label"], t["documentation"])
    if "security_measures" in activity:
        sheet.heading("Mesures de sécurité")
        for m in activity["security_measures"]:
            sheet.add(m["label"], m["text"])
    sheet.heading("Jeux de données du catalogue")
    for d in activity["datasets"]:
        sheet.add(d["slug"], d["title"], d["portal"])
    sheet.heading("Algorithmes publics fondés sur ce traitement")
    for a in activity["algorithms"]:
        sheet.add(a["slug"], a["name"], a["status_label"], a["portal"])
    _dpia(sheet, activity["dpia"])
    return sheet


def workbook(register: dict[str, Any], fmt: str) -> bytes:
    """The register as an XLSX or ODS file."""
    if fmt not in FORMATS:
        raise InputError(f"Format « {fmt} » inconnu ; formats : {', '.join(FORMATS)}")
    content = sheets(register)
    if fmt == "ods":
        return write_ods(content)
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    for sheet in content:
        page = book.create_sheet(sheet.name)
        for row in sheet.rows:
            page.append(row.cells)
            if row.bold:
                for cell in page[page.max_row]:
                    cell.font = bold
        page.column_dimensions["A"].width = 45
        page.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _dpia(sheet: Sheet, dpia: dict[str, Any]) -> None:
    sheet.heading("Analyse d'impact (AIPD)")
    sheet.add("AIPD requise", dpia["required"])
    sheet.add("Statut", dpia["status_label"])
    if "criteria" not in dpia:
        return
    for reason in dpia["reasons"]:
        sheet.add("Motif", reason)
    for c in dpia["criteria"]:
        sheet.add("Critère du CEPD", c["label"])
    for t in dpia["cnil_types"]:
        sheet.add("Type listé par la CNIL", t["label"])
    sheet.add("Avis du DPO", dpia["opinion"], dpia["opinion_date"])
    if dpia["action_plan"]:
        sheet.add("Plan d'action", "Responsable", "Échéance", "Fait", bold=True)
    for item in dpia["action_plan"]:
        sheet.add(item["action"], item["owner"], item["due"], item["done"])


def _list(sheet: Sheet, title: str, values: list[str]) -> None:
    sheet.heading(title)
    for value in values:
        sheet.add(value)


def _sheet_name(number: int, name: str) -> str:
    """``3 - Name``, cut to Excel's length without its forbidden characters (unique by its
    number)."""
    return f"{number} - {SHEET_FORBIDDEN.sub(' ', name)}"[:SHEET_LENGTH].strip()
