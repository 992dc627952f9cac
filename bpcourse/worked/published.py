"""Numbers the source articles print for the two worked examples, kept as the strings they
print (their precision matters), and the cause wherever the printed number is wrong.

Symbols follow each source (see NOTATION.md): in the 2-3-2-1 example I = z, O = o and its
δ = (t − o)·f′(z) is the course's −δ; "Dw13" is Δw13 and "w13" the updated weight.
The tests and notebook 04 compare every entry with what the trainer computes.
"""

# Source 002: the 2-2-2 sigmoid net (inputs .05/.10, targets .01/.99, lr .5, biases not updated).
PRINTED_222 = {
    "net_h1": "0.3775", "out_h1": "0.593269992", "out_h2": "0.596884378", "net_o1": "1.105905967",
    "out_o1": "0.75136507", "out_o2": "0.772928465", "E_o1": "0.274811083", "E_o2": "0.023560026",
    "E_total": "0.298371109", "dEtotal/dout_o1": "0.74136507", "dout_o1/dnet_o1": "0.186815602",
    "dEtotal/dw5": "0.082167041", "delta_o1": "0.138498562", "dE_o1/dout_h1": "0.055399425",
    "dE_o2/dout_h1": "-0.019049119", "dEtotal/dout_h1": "0.036350306",
    "dout_h1/dnet_h1": "0.241300709", "dEtotal/dw1": "0.000438568",
    "w5": "0.35891648", "w6": "0.408666186", "w7": "0.511301270", "w8": "0.561370121",
    "w1": "0.149780716", "w2": "0.19956143", "w3": "0.24975114", "w4": "0.29950229",
    "E_after_1": "0.291027924", "E_after_10000": "0.0000351085",
}

ERRATA_222 = {
    "dE_o2/dout_h1": "rounding carried through: the exact value is −0.0190491183, one unit off in the last "
                     "printed digit because it is computed from rounded intermediate values",
    "E_after_1": "the exact error after one step is 0.291027774 (it agrees to 6 decimals); recomputing "
                 "from the source's own printed, rounded weights gives the exact value too, so the last "
                 "three digits are a slip in the printed number",
    "E_after_10000": "off by one step: the error after 10,000 steps (biases fixed, as in the source) is "
                     "3.51019e-05; the printed 3.51085e-05 is, to every printed digit, the error after 9,999 "
                     "steps, i.e. measured in the 10,000th pass before its update",
}

# Source 000: the 2-3-2-1 sigmoid net without biases (inputs .6/.7, target .9, lr .3, momentum .1).
PRINTED_2321 = {
    "I3": "0.1", "I4": "1.78", "I5": "-0.45", "O3": "0.52", "O4": "0.86", "O5": "0.39",
    "I6": "0.158", "I7": "2.288", "O6": "0.54", "O7": "0.908", "I8": "0.205", "O8": "0.551",
    "d8": "0.0863", "d7": "-0.0016", "d6": "0.016", "d5": "0.001", "d4": "-0.003", "d3": "-0.0087",
    "Dw78": "0.0235", "Dw68": "0.014", "Dw57": "-0.00019", "Dw47": "-0.0004", "Dw37": "-0.00025",
    "Dw56": "0.0019", "Dw46": "0.0041", "Dw36": "0.0025", "Dw25": "0.00021", "Dw15": "0.00018",
    "Dw24": "-0.00063", "Dw14": "-0.00054", "Dw23": "-0.00183", "Dw13": "-0.00157",
    "w78": "-0.1965", "w68": "0.764", "w57": "3.0998", "w47": "1.0496", "w37": "0.3398",
    "w56": "0.5619", "w46": "-1.3959", "w36": "2.2025", "w25": "-1.4998", "w15": "1.00018",
    "w24": "0.39937", "w14": "2.49946", "w23": "0.99817", "w13": "-1.00157",
}

_ROUNDED_OUTPUTS = "rounding carried through: computed from O3, O4, O5 rounded to 2 decimals instead of their exact values"
_ROUNDED_I8 = "rounding carried through: computed from the rounded I6, I7 and O6, O7"
_ROUNDED_DELTA = "rounding carried through: computed from δ{} rounded to {} instead of its exact value"
_SIGN_D3 = "follows from the sign slip in δ3"

ERRATA_2321 = {
    "I6": _ROUNDED_OUTPUTS,
    "I7": _ROUNDED_OUTPUTS + "; from those, O3·w37 + O4·w47 + O5·w57 = 0.52·0.34 + 0.86·1.05 + 0.39·3.1 = 2.2888, "
          "and the printed 2.288 cuts it off after three decimals instead of rounding it (2.289)",
    "I8": _ROUNDED_I8,
    "O8": _ROUNDED_I8,
    "d8": "rounding carried through: computed from the rounded O8 = 0.551",
    "d3": "sign slip: (δ7·w37 + δ6·w36)·f′(I3) = (−0.0016·0.34 + 0.016·2.2)·0.52·0.48 is positive",
    "Dw78": "rounding carried through: computed from the rounded δ8 = 0.0863",
    "Dw25": _ROUNDED_DELTA.format(5, "0.001"),
    "Dw15": _ROUNDED_DELTA.format(5, "0.001"),
    "Dw24": _ROUNDED_DELTA.format(4, "−0.003"),
    "Dw23": _SIGN_D3,
    "Dw13": _SIGN_D3,
    "w78": "rounding carried through: adds the rounded Δw78 = 0.0235",
    "w37": "rounding carried through: 0.34 − 0.00025 = 0.33975 rounded up; the exact 0.3397497 rounds to 0.3397",
    "w15": "rounding carried through: adds the rounded Δw15 = 0.00018",
    "w24": "rounding carried through: adds the rounded Δw24 = −0.00063",
    "w23": _SIGN_D3,
    "w13": _SIGN_D3,
}


def printed_precision(text):
    """Half a unit in the last printed digit: the tolerance a printed number claims.

    >>> printed_precision("0.0863")
    5e-05
    """
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0 ** -decimals
