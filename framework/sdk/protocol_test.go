package sdk

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

// The .proto file is the protocol's public definition; its header must
// name the version this SDK speaks.
func TestProtocolVersionMatchesProtoHeader(t *testing.T) {
	b, err := os.ReadFile("../proto/rgml/v1/rgml.proto")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^// protocol-version: (\d+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatal(`rgml.proto has no "// protocol-version: N" line`)
	}
	v, _ := strconv.Atoi(string(m[1]))
	if v != ProtocolVersion {
		t.Errorf("rgml.proto says protocol-version %d, sdk.ProtocolVersion is %d", v, ProtocolVersion)
	}
	if Handshake.ProtocolVersion != ProtocolVersion {
		t.Errorf("Handshake.ProtocolVersion %d != ProtocolVersion %d", Handshake.ProtocolVersion, ProtocolVersion)
	}
}
