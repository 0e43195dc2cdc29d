// SPDX-License-Identifier: Apache-2.0

// The Go relying party (Debian's Go 1.19 and golang.org/x/crypto/ocsp): x509.ParseCertificate,
// Certificate.Verify, x509.ParseRevocationList and ocsp.ParseResponseForCert, with OCSP
// requests sent by GET and by POST. Built in GOPATH mode, without network.
//
//	check-go good|revoked CASES.tsv
//
// Prints "ARTEFACT CASE ok|FAIL why" per check.
package main

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ocsp"
)

var (
	oidKeyUsage     = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidPolicies     = asn1.ObjectIdentifier{2, 5, 29, 32}
	oidSubjectAlt   = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidIdentifyData = asn1.ObjectIdentifier{1, 2, 410, 200004, 10, 1, 1}
)

func load(path string) (*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	return x509.ParseCertificate(data)
}

type otherName struct {
	TypeID asn1.ObjectIdentifier
	Value  asn1.RawValue `asn1:"tag:0,explicit"`
}

type identifyData struct {
	RealName string `asn1:"utf8"`
	UserInfo []asn1.RawValue
}

// identify returns the identifyData otherNames of the certificate's subjectAltName.
func identify(cert *x509.Certificate) ([]identifyData, error) {
	var found []identifyData
	for _, ext := range cert.Extensions {
		if !ext.Id.Equal(oidSubjectAlt) {
			continue
		}
		var names []asn1.RawValue
		if rest, err := asn1.Unmarshal(ext.Value, &names); err != nil || len(rest) > 0 {
			return nil, fmt.Errorf("subjectAltName: %v", err)
		}
		for _, name := range names {
			if name.Class != asn1.ClassContextSpecific || name.Tag != 0 {
				continue
			}
			var other otherName
			if rest, err := asn1.UnmarshalWithParams(name.FullBytes, &other, "tag:0"); err != nil || len(rest) > 0 {
				return nil, fmt.Errorf("otherName: %v", err)
			}
			if !other.TypeID.Equal(oidIdentifyData) {
				return nil, fmt.Errorf("otherName of type %v", other.TypeID)
			}
			var data identifyData
			if rest, err := asn1.Unmarshal(other.Value.Bytes, &data); err != nil || len(rest) > 0 {
				return nil, fmt.Errorf("identifyData: %v", err)
			}
			found = append(found, data)
		}
	}
	return found, nil
}

func checkCertificate(cert *x509.Certificate, policy string, wantIdentify bool, realName string) error {
	critical := map[string]bool{}
	for _, ext := range cert.Extensions {
		critical[ext.Id.String()] = ext.Critical
	}
	if !critical[oidKeyUsage.String()] || cert.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment {
		return errors.New("key usage is not critical digitalSignature+nonRepudiation")
	}
	if !critical[oidPolicies.String()] {
		return errors.New("certificatePolicies is not critical")
	}
	if len(cert.PolicyIdentifiers) != 1 || cert.PolicyIdentifiers[0].String() != policy {
		return fmt.Errorf("policies %v, not [%s]", cert.PolicyIdentifiers, policy)
	}
	found, err := identify(cert)
	if err != nil {
		return err
	}
	switch {
	case !wantIdentify && len(found) > 0:
		return errors.New("an identifyData otherName it should not have")
	case wantIdentify && len(found) != 1:
		return fmt.Errorf("%d identifyData otherNames", len(found))
	case wantIdentify && found[0].RealName != realName:
		return fmt.Errorf("realName %q, not %q", found[0].RealName, realName)
	case wantIdentify && len(found[0].UserInfo) != 1:
		return fmt.Errorf("%d userInfo entries", len(found[0].UserInfo))
	}
	return nil
}

func fetch(request *http.Request) ([]byte, error) {
	client := http.Client{Timeout: 10 * time.Second}
	response, err := client.Do(request)
	if err != nil {
		return nil, err
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", response.StatusCode)
	}
	return io.ReadAll(response.Body)
}

func checkAnswer(answer []byte, cert, issuer *x509.Certificate, revoked bool) error {
	response, err := ocsp.ParseResponseForCert(answer, cert, issuer)
	if err != nil {
		return err
	}
	if response.SerialNumber.Cmp(cert.SerialNumber) != 0 {
		return fmt.Errorf("the answer is about %x", response.SerialNumber)
	}
	want := ocsp.Good
	if revoked {
		want = ocsp.Revoked
	}
	if response.Status != want {
		return fmt.Errorf("status %d, not %d", response.Status, want)
	}
	if time.Now().After(response.NextUpdate) {
		return errors.New("the answer is stale")
	}
	return nil
}

func main() {
	revoked := os.Args[1] == "revoked"
	file, err := os.Open(os.Args[2])
	if err != nil {
		fmt.Printf("* * FAIL %v\n", err)
		return
	}
	lines := bufio.NewScanner(file)
	for lines.Scan() {
		f := strings.Split(lines.Text(), "\t")
		name, policy, wantIdentify, realName := f[0], f[6], f[7] == "yes", f[10]
		say := func(artefact string, err error) {
			if err != nil {
				fmt.Printf("%s %s FAIL %s\n", artefact, name, strings.ReplaceAll(err.Error(), "\n", " "))
			} else {
				fmt.Printf("%s %s ok\n", artefact, name)
			}
		}
		cert, err := load(f[1])
		if err != nil {
			say("cert", err)
			continue
		}
		say("cert", checkCertificate(cert, policy, wantIdentify, realName))
		issuer, err := load(f[2])
		if err != nil {
			say("*", err)
			continue
		}
		root, err := load(f[3])
		if err != nil {
			say("*", err)
			continue
		}
		roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
		roots.AddCert(root)
		intermediates.AddCert(issuer)
		_, err = cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		say("chain", err)

		say("crl", func() error {
			der, err := os.ReadFile(f[4])
			if err != nil {
				return err
			}
			crl, err := x509.ParseRevocationList(der)
			if err != nil {
				return err
			}
			if err := crl.CheckSignatureFrom(issuer); err != nil {
				return err
			}
			if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) {
				return errors.New("the CRL's issuer is not the issuing CA")
			}
			listed := false
			for _, entry := range crl.RevokedCertificates {
				listed = listed || entry.SerialNumber.Cmp(cert.SerialNumber) == 0
			}
			if listed != revoked {
				return fmt.Errorf("serial %x listed: %v", cert.SerialNumber, listed)
			}
			return nil
		}())

		request, err := ocsp.CreateRequest(cert, issuer, nil)
		if err != nil {
			say("*", err)
			continue
		}
		say("ocsp-get", func() error {
			get, err := http.NewRequest("GET", f[5]+"/"+url.QueryEscape(base64.StdEncoding.EncodeToString(request)), nil)
			if err != nil {
				return err
			}
			answer, err := fetch(get)
			if err != nil {
				return err
			}
			return checkAnswer(answer, cert, issuer, revoked)
		}())
		say("ocsp-post", func() error {
			post, err := http.NewRequest("POST", f[5], bytes.NewReader(request))
			if err != nil {
				return err
			}
			post.Header.Set("Content-Type", "application/ocsp-request")
			answer, err := fetch(post)
			if err != nil {
				return err
			}
			return checkAnswer(answer, cert, issuer, revoked)
		}())
	}
}
