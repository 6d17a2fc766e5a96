package summary

// abbrevClass says how a known abbreviation followed by a period affects
// sentence splitting.
type abbrevClass uint8

const (
	// The zero class is an ordinary word: its period ends the sentence
	// when an uppercase letter or a digit follows.
	_ abbrevClass = iota
	// prefixAbbrev stands before a name or a number ("Dr.", "dl.", "ул.")
	// and never ends a sentence.
	prefixAbbrev
	// suffixAbbrev may end a sentence ("etc.", "млн.", "ș.a.m.d."): its
	// period ends the sentence only when an uppercase letter follows.
	suffixAbbrev
)

// abbreviations maps a language to its abbreviations, lowercased and
// normalised, without the final period. Dotted forms keep their inner
// periods ("т.е", "ș.a.m.d").
var abbreviations = map[string]map[string]abbrevClass{
	"en": classes(
		[]string{
			"mr", "mrs", "ms", "messrs", "dr", "prof", "gen", "sen", "rep", "gov",
			"lt", "col", "capt", "cmdr", "sgt", "maj", "adm", "st", "mt", "rev",
			"hon", "pres", "supt", "det", "insp", "atty", "i.e", "e.g", "cf", "vs",
			"approx", "ca", "ft", "fr", "sr", "jr",
		},
		[]string{
			"etc", "inc", "ltd", "co", "corp", "bros", "llc", "plc", "no", "nos",
			"vol", "p", "pp", "fig", "art", "ch", "sec", "para", "est", "dept",
			"univ", "assn", "ave", "blvd", "rd", "hwy", "a.m", "p.m", "jan", "feb",
			"mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
			"min", "max", "al",
		},
	),
	"ro": classes(
		[]string{
			"dl", "dlui", "dna", "dnei", "d-na", "d-l", "d-lui", "d-nei", "dșa",
			"dr", "prof", "conf", "lect", "ing", "av", "gen", "col", "lt", "mr",
			"cpt", "pr", "sf", "str", "bd", "bdul", "b-dul", "bul", "șos", "sos",
			"pța", "p-ța", "jud", "mun", "com", "or", "i.e", "e.g", "ex", "vs",
			"cca", "aprox", "dvs", "dv", "tel", "ap", "bl", "sc", "et", "cf",
		},
		[]string{
			"etc", "ș.a", "ș.a.m.d", "nr", "art", "alin", "lit", "pct",
			"mil", "mld", "min", "max", "sec", "p", "pag", "vol", "a.c", "î.hr",
			"d.hr", "ian", "feb", "febr", "mar", "apr", "iun", "iul", "aug",
			"sept", "oct", "noi", "nov", "dec", "km", "kg", "ha", "n.r",
		},
	),
	"ru": classes(
		[]string{
			"ул", "пр-т", "просп", "пер", "пл", "наб", "ш", "им", "св", "ген",
			"акад", "проф", "доц", "зам", "т.е", "т.к", "т.н", "напр", "ср", "ст",
			"пос", "дер", "гр", "тов", "г-н", "г-жа", "и.о", "вр.и.о", "ок", "см",
		},
		[]string{
			"гг", "тыс", "млн", "млрд", "трлн", "руб", "коп", "долл", "др", "пр",
			"т.д", "т.п", "т.ч", "мин", "сек", "кв", "корп", "стр", "рис", "табл",
			"обл", "р-н", "янв", "фев", "февр", "мар", "апр", "авг", "сент", "окт",
			"нояб", "дек", "с.г", "н.э", "прим", "ред",
		},
	),
}

// classes builds an abbreviation table from its two lists.
func classes(prefix, suffix []string) map[string]abbrevClass {
	m := make(map[string]abbrevClass, len(prefix)+len(suffix))
	for _, w := range prefix {
		m[Normalize(w)] = prefixAbbrev
	}
	for _, w := range suffix {
		m[Normalize(w)] = suffixAbbrev
	}
	return m
}
