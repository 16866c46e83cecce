package synth

// The name lists persons are made from. Danish names are common ones with
// æ, ø and å well represented; the foreign ones cover what a username
// generator must survive: accents, hyphens, apostrophes, particles and
// names in other scripts, with a Latin-script nickname for some.

var femaleNames = []string{
	"Anne", "Sofie", "Mette", "Hanne", "Kirsten", "Susanne", "Lene", "Marianne",
	"Camilla", "Louise", "Ida", "Emma", "Freja", "Maja", "Karen", "Inger",
	"Birgitte", "Pia", "Tove", "Lærke", "Åse", "Bodil", "Gitte", "Signe",
	"Astrid", "Mathilde", "Ellen", "Line", "Katrine", "Margrethe", "Elisabeth",
	"Helle", "Dorthe", "Solvej", "Ingrid", "Vibeke", "Malene", "Nanna",
	"Cecilie", "Bjørg", "Sørine", "Agnete", "Gunhild", "Rikke", "Tenna",
}

var maleNames = []string{
	"Søren", "Jens", "Peter", "Lars", "Michael", "Henrik", "Thomas", "Jørgen",
	"Niels", "Mads", "Anders", "Morten", "Rasmus", "Christian", "Frederik",
	"Mikkel", "Emil", "Jesper", "Ole", "Bjørn", "Kåre", "Bent", "Poul", "Kim",
	"Torben", "Steen", "Jakob", "Oliver", "William", "Magnus", "Troels",
	"Ebbe", "Aksel", "Holger", "Jørn", "Asbjørn", "Åge", "Kristoffer",
	"Alexander", "Bo", "Øjvind", "Erik", "Villads", "Carl",
}

var surnames = []string{
	"Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen",
	"Larsen", "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen",
	"Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen", "Johansen",
	"Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Østergaard",
	"Kjær", "Bjørk", "Ålund", "Ægidius", "Skovgård", "Lykke", "Dahl", "Holm",
	"Friis", "Bach", "Lund", "Vestergaard", "Søndergaard", "Frølich",
	"Kjærsgaard", "Brøndum", "Høj", "Lauridsen", "Bæk", "Nørgaard",
	"Damgaard", "Ærø", "Åkjær", "Krogh",
}

// nicknames maps a given name to the short form some go by.
var nicknames = map[string]string{
	"Christian": "Chris", "Frederik": "Frede", "Katrine": "Trine",
	"Elisabeth": "Lise", "Alexander": "Alex", "Margrethe": "Grethe",
	"Kristoffer": "Kris", "Mathilde": "Tilde", "Asbjørn": "Bjørn",
	"Agnete": "Nete", "Sørine": "Sørs", "Villads": "Ville",
}

// fullName is a foreign name, with the Latin-script name the person goes by
// where their own is in another script.
type fullName struct {
	given, surname     string
	nickGiven, nickSur string
}

// particleNames have surnames with particles.
var particleNames = []fullName{
	{given: "Pieter", surname: "van der Berg"}, {given: "Ana Lucía", surname: "de la Cruz"},
	{given: "Karl-Heinz", surname: "von Holstein"}, {given: "Sanne", surname: "van den Broek"},
	{given: "Luca", surname: "di Stefano"}, {given: "Ingrid", surname: "af Klint"},
	{given: "Jeanne", surname: "d'Arcy"}, {given: "Miguel Ángel", surname: "de los Santos"},
}

// accentedNames are Latin-script names beyond Danish letters.
var accentedNames = []fullName{
	{given: "José", surname: "García"}, {given: "Zoë", surname: "Martin"},
	{given: "Renée", surname: "Dubois"}, {given: "Piotr", surname: "Ługowski"},
	{given: "Ayşe", surname: "Çelik"}, {given: "François", surname: "Lefèvre"},
	{given: "Jürgen", surname: "Müller"}, {given: "Małgorzata", surname: "Wiśniewska"},
	{given: "Đorđe", surname: "Petrović"}, {given: "Björn", surname: "Åström"},
	{given: "Ólafur", surname: "Þórsson"}, {given: "Jiří", surname: "Dvořák"},
	{given: "Siobhán", surname: "O'Brien"}, {given: "Mehmet", surname: "Yılmaz"},
	{given: "Chloé", surname: "Bérubé"}, {given: "Nuño", surname: "Peña"},
}

// foreignNames are common names of people who moved to Denmark.
var foreignNames = []fullName{
	{given: "Thi Lan", surname: "Nguyen"}, {given: "Mohammed", surname: "Al-Sayed", nickGiven: "Mo"},
	{given: "Anna", surname: "Kowalski"}, {given: "Fatima", surname: "Ahmadi"},
	{given: "Ali", surname: "Hassan"}, {given: "Amir", surname: "Rahimi"},
	{given: "Aisha", surname: "Abdi"}, {given: "Van Minh", surname: "Tran"},
	{given: "Priya", surname: "Sharma"}, {given: "Olena", surname: "Kovalenko"},
	{given: "Omar", surname: "Farah"}, {given: "John", surname: "Smith"},
	{given: "Kwame", surname: "Mensah"}, {given: "Li", surname: "Wang"},
	{given: "Abdirahman", surname: "Mohamed Ali"}, {given: "Sara", surname: "El-Khatib"},
}

// scriptNames are names in scripts other than Latin.
var scriptNames = []fullName{
	{"Γιώργος", "Παπαδόπουλος", "Giorgos", "Papadopoulos"},
	{"Ελένη", "Γεωργίου", "Eleni", "Georgiou"},
	{"Алексей", "Иванов", "Aleksej", "Ivanov"},
	{"Ольга", "Петрова", "", ""},
	{"محمد", "حسن", "Mohammad", "Hassan"},
	{"فاطمة", "الزهراء", "", ""},
	{"伟", "王", "Wei", "Wang"},
	{"דוד", "כהן", "David", "Cohen"},
}
