"""Column names in the languages of the spreadsheets people keep by hand in Europe (French,
German, Spanish, Italian, Portuguese), for the fields of customers and purchases and for
the columns that link a record to its customer: a semicolon-separated list saved by Excel
in Paris heads its columns "Prénom;Nom;Téléphone", not "First Name".

Names are `mapping.normalize` keys (case, spaces, accents and separators dropped:
"Date de création" -> "datedecreation"). The English aliases win where a word means
something else in English; words that are ambiguous across languages ("data", "estado",
"cap") are left out.
"""

from __future__ import annotations

CUSTOMERS: dict[str, list[str]] = {
    "first_name": ["prenom", "vorname", "nombre", "nome", "primeironome"],
    "last_name": ["nom", "nomdefamille", "nachname", "familienname", "apellido",
                  "apellidos", "cognome", "sobrenome", "apelido"],
    "email": ["courriel", "adresseemail", "emailadresse", "correo", "correoelectronico"],
    "phone": ["telephone", "tel", "telefon", "telefonnummer", "telefono", "portable",
              "mobil", "handy", "movil", "cellulare", "telemovel"],
    "company": ["societe", "entreprise", "firma", "unternehmen", "empresa", "azienda"],
    "street": ["adresse", "rue", "strasse", "direccion", "indirizzo", "morada", "endereco"],
    "city": ["ville", "localite", "stadt", "ort", "ciudad", "localidad", "citta", "cidade"],
    "postal_code": ["codepostal", "plz", "postleitzahl", "codigopostal", "cp"],
    "region": ["departement", "bundesland", "provincia"],
    "country": ["pays", "land", "pais", "paese"],
    "note": ["remarque", "remarques", "commentaire", "commentaires", "bemerkung",
             "bemerkungen", "notiz", "notizen", "notas", "comentario", "comentarios"],
    "tags": ["etiquette", "etiquettes", "schlagworte", "etiqueta", "etiquetas"],
    "created_at": ["datedecreation", "creele", "erstelltam", "fechadecreacion",
                   "fechadealta"],
}

PURCHASES: dict[str, list[str]] = {
    "item": ["article", "produit", "designation", "libelle", "artikel", "produkt",
             "bezeichnung", "articulo", "producto", "descripcion", "prodotto", "articolo",
             "produto"],
    "quantity": ["quantite", "qte", "menge", "anzahl", "cantidad", "quantita", "quantidade"],
    "unit_price": ["prixunitaire", "prix", "einzelpreis", "preis", "preciounitario",
                   "precio", "prezzo", "preco"],
    "total": ["montant", "montantttc", "totalttc", "betrag", "gesamtbetrag", "summe",
              "importe", "importo", "valor"],
    "date": ["datedecommande", "datum", "bestelldatum", "fecha", "fechadepedido"],
    "external_id": ["reference", "commande", "numerodecommande", "facture",
                    "numerodefacture", "bestellnummer", "rechnungsnummer", "pedido",
                    "numerodepedido", "factura", "fattura"],
    "payment_method": ["moyendepaiement", "paiement", "zahlungsart", "zahlungsmethode",
                       "formadepago", "metododepago"],
    "tax": ["tva", "mwst", "ust", "iva"],
    "shipping": ["livraison", "fraisdeport", "fraisdelivraison", "versand",
                 "versandkosten", "envio", "gastosdeenvio"],
    "discount": ["remise", "rabatt", "descuento", "sconto"],
}

LINKS: dict[str, list[str]] = {
    "customer_email": ["courriel", "adresseemail", "emailadresse", "correo",
                       "correoelectronico"],
    "customer_name": ["nomduclient", "kunde", "kundenname", "cliente"],
    "customer_first_name": ["prenom", "vorname", "nombre"],
    "customer_last_name": ["nom", "nachname", "apellido", "apellidos", "cognome"],
    "customer_phone": ["telephone", "telefon", "telefono"],
    "customer_company": ["societe", "entreprise", "firma", "empresa", "azienda"],
}

BY_KIND: dict[str, dict[str, list[str]]] = {"customers": CUSTOMERS, "purchases": PURCHASES}
