package report_test

import "context"

var bg = context.Background()
