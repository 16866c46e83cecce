package orgmodel_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/orgsync/orgsync/orgmodel"
)

func ExampleParseCPR() {
	c, err := orgmodel.ParseCPR("010190-1234", orgmodel.CPROptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Printing never shows the serial, whatever the verb.
	fmt.Println(c)
	fmt.Printf("%v %q %#v %d\n", c, c, c, c)
	fmt.Println(c.BirthDate())

	// Neither does an error about a rejected number.
	_, err = orgmodel.ParseCPR("320190-1234", orgmodel.CPROptions{})
	fmt.Println(err)
	fmt.Println(errors.Is(err, orgmodel.ErrInvalidCPR))
	// Output:
	// 010190-xxxx
	// 010190-xxxx "010190-xxxx" 010190-xxxx 010190-xxxx
	// 1990 January 1
	// orgmodel: invalid CPR number: day 32 is not a date (real days are 01-31, fictive ones 61-91)
	// true
}

func ExampleCPROptions() {
	// A fictive CPR ("erstatnings-CPR") adds 60 to the day of birth.
	_, err := orgmodel.ParseCPR("610190-1234", orgmodel.CPROptions{})
	fmt.Println(err)

	c, err := orgmodel.ParseCPR("610190-1234", orgmodel.CPROptions{AllowFictive: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c, c.Fictive())
	fmt.Println(c.BirthDate())
	// Output:
	// orgmodel: invalid CPR number: day 61 makes it a fictive CPR, and fictive CPRs are not allowed here
	// 610190-xxxx true
	// 1990 January 1
}

func ExampleCPR_LogValue() {
	c := orgmodel.MustParseCPR("0101901234", orgmodel.CPROptions{})
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the output stable
			}
			return a
		},
	}))
	log.Info("person hired", "cpr", c)
	// Output:
	// level=INFO msg="person hired" cpr=010190-xxxx
}

func ExampleCPR_Reveal() {
	c := orgmodel.MustParseCPR("010190-1234", orgmodel.CPROptions{})

	// Store the full number, and parse it again when reading it back.
	stored := c.Reveal()
	back, err := orgmodel.ParseCPR(stored, orgmodel.CPROptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back == c)
	// Output:
	// true
}
