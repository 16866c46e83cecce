package synth

// theme is one area of the municipality's work: the names of its units on
// each tier and the job functions of the people employed there.
type theme struct {
	forvaltning string   // the administration (level 1)
	center      string   // its counterpart in the administrative tree
	areas       []string // middle levels, followed by a district
	kinds       []string // institutions at the bottom, followed by a name
	jobs        []string // job functions of the staff
	leader      string   // job function of a manager below level 1
}

var themes = []theme{
	{
		forvaltning: "Skole- og Børneforvaltningen", center: "Center for Børn og Læring",
		areas:  []string{"Dagtilbud", "Skoleområdet", "Sundhedsplejen", "PPR", "Ungdomsskolen"},
		kinds:  []string{"Børnehaven", "Vuggestuen", "Skolen", "SFO", "Klubben", "Dagplejen"},
		jobs:   []string{"Pædagog", "Pædagogmedhjælper", "Lærer", "Skolelærer", "Sundhedsplejerske", "Dagplejer"},
		leader: "Institutionsleder",
	},
	{
		forvaltning: "Social- og Sundhedsforvaltningen", center: "Center for Sundhed og Omsorg",
		areas:  []string{"Hjemmeplejen", "Plejecentre", "Handicap og Psykiatri", "Sygeplejen", "Træning og Rehabilitering"},
		kinds:  []string{"Plejecenter", "Bostedet", "Dagcentret", "Hjemmeplejegruppe", "Aktivitetscentret"},
		jobs:   []string{"Sygeplejerske", "Social- og sundhedsassistent", "Social- og sundhedshjælper", "Fysioterapeut", "Ergoterapeut"},
		leader: "Afdelingsleder",
	},
	{
		forvaltning: "Teknik- og Miljøforvaltningen", center: "Center for Teknik og Miljø",
		areas:  []string{"Vej og Park", "Byggeri og Ejendomme", "Natur og Miljø", "Affald og Genbrug"},
		kinds:  []string{"Materielgården", "Genbrugspladsen", "Vejdriftsgruppe", "Ejendomsservice", "Rensningsanlægget"},
		jobs:   []string{"Vejmand", "Ingeniør", "Gartner", "Ejendomsservicetekniker", "Maskinfører"},
		leader: "Driftsleder",
	},
	{
		forvaltning: "Kultur- og Fritidsforvaltningen", center: "Center for Kultur og Fritid",
		areas:  []string{"Biblioteker", "Idræt og Haller", "Musikskolen", "Museer"},
		kinds:  []string{"Biblioteket", "Hallen", "Kulturhuset", "Museet", "Spillestedet"},
		jobs:   []string{"Bibliotekar", "Kulturformidler", "Musikskolelærer", "Halinspektør"},
		leader: "Kulturleder",
	},
	{
		forvaltning: "Økonomi og Personale", center: "Center for Økonomi og HR",
		areas:  []string{"IT og Digitalisering", "Løn og Personale", "Borgerservice", "Økonomi"},
		kinds:  []string{"Team", "Servicecenter", "Kontoret", "Sekretariatet"},
		jobs:   []string{"Administrativ medarbejder", "Kontorelev", "IT-konsulent", "Lønkonsulent", "Økonomikonsulent"},
		leader: "Kontorchef",
	},
	{
		forvaltning: "Beskæftigelsesforvaltningen", center: "Center for Arbejdsmarked",
		areas:  []string{"Jobcenter", "Ydelsescenter", "Integration", "Ungeindsats"},
		kinds:  []string{"Jobcenter", "Team", "Værkstedet", "Sprogcentret"},
		jobs:   []string{"Jobkonsulent", "Socialrådgiver", "Sagsbehandler", "Kontorelev"},
		leader: "Teamleder",
	},
}

// towns name the municipality (all made up).
var towns = []string{"Solbjerg", "Ådalen", "Havnstrup", "Egebæk", "Skovlunde", "Ørbæk", "Lyngå", "Kærby"}

// districts follow an area's name ("Hjemmeplejen Nord").
var districts = []string{
	"Nord", "Syd", "Øst", "Vest", "Midt", "Åby", "Ørslev", "Lærkevang",
	"Skærbæk", "Bøgelund", "Højby", "Strandby", "Ølstykke", "Kærholm",
}

// placeNames follow an institution's kind ("Børnehaven Solsikken").
var placeNames = []string{
	"Solsikken", "Mælkebøtten", "Regnbuen", "Egetræet", "Åkanden", "Møllen",
	"Bølgen", "Fyrtårnet", "Kæmpehøj", "Østervang", "Rosenhaven",
	"Lærkereden", "Spiren", "Troldeskoven", "Ærtebjerg", "Nøddebo",
	"Kastanjen", "Hyldebærhuset", "Stjernen", "Skovbrynet", "Søhøjen",
	"Bakkely", "Engly", "Fjordblik", "Lindehøj", "Møgelkær",
}

// adminTeams name the leaves of the administrative tree ("Team Solsikken").
var adminTeams = []string{"Team", "Sektion", "Enhed"}
