# Make modalias queries for the kmod-oracle test, one per line, from the files named on the command line:
#   modules.alias   every pattern instantiated several ways, plus near misses
#   pci.ids         every PCI device (and subsystem) with a class from the class list
#   usb.ids         every USB product with an interface class from the class list
#   other files     taken as lists of real modaliases, one per line
# Which kind a file is comes from its name (basename: modules.alias, pci.ids, usb.ids).
# Duplicates are left in; the caller sorts them out.

function kind(path,   b) {
	b = path
	sub(/.*\//, "", b)
	if (b ~ /alias/)
		return "alias"
	if (b ~ /^pci\.ids/)
		return "pci"
	if (b ~ /^usb\.ids/)
		return "usb"
	return "list"
}

# A string the glob p matches (mode 1: stars empty; 2: stars "0,"; 3: stars "09AZ"),
# taking the first (mode 1) or last member of each bracket set.
function inst(p, mode,   out, i, n, c, j, set, neg) {
	out = ""
	n = length(p)
	for (i = 1; i <= n; i++) {
		c = substr(p, i, 1)
		if (c == "*") {
			out = out (mode == 1 ? "" : mode == 2 ? "0," : "09AZ")
		} else if (c == "?") {
			out = out (mode == 1 ? "0" : "F")
		} else if (c == "[") {
			j = index(substr(p, i + 1), "]")
			if (j == 0) {
				out = out c
				continue
			}
			set = substr(p, i + 1, j - 1)
			i += j
			neg = substr(set, 1, 1) == "!" || substr(set, 1, 1) == "^"
			if (neg)
				out = out "~"
			else if (mode == 1)
				out = out substr(set, 1, 1)
			else
				out = out substr(set, length(set), 1)
		} else if (c == "\\" && i < n) {
			i++
			out = out substr(p, i, 1)
		} else {
			out = out c
		}
	}
	return out
}

# The same string with its last character changed: a near miss.
function miss(s,   c, n) {
	n = length(s)
	if (n == 0)
		return "X"
	c = substr(s, n, 1)
	if (c == "0")
		c = "1"
	else if (c ~ /[0-9A-F]/)
		c = "0"
	else
		c = c "0"
	return substr(s, 1, n - 1) c
}

function emit(q) {
	if (q != "" && q !~ /[ \t]/)
		print q
}

BEGIN {
	npci = 0
	nusb = 0
	bcd[0] = "0100"; bcd[1] = "0001"; bcd[2] = "0200"; bcd[3] = "1234"
	bcd[4] = "0110"; bcd[5] = "9999"; bcd[6] = "0450"; bcd[7] = "0000"
}

FNR == 1 {
	k = kind(FILENAME)
	section = "ids"
}

k == "alias" && $1 == "alias" && NF == 3 {
	p = $2
	q1 = inst(p, 1)
	q3 = inst(p, 3)
	emit(q1)
	emit(inst(p, 2))
	emit(q3)
	emit(miss(q1))
	emit(miss(q3))
	if (q1 ~ /[_-]/) {
		d = q1
		if (d ~ /_/)
			gsub(/_/, "-", d)
		else
			gsub(/-/, "_", d)
		emit(d)
	}
	next
}

# pci.ids: vendors, devices, subsystems, then the class list after "C xx".
k == "pci" && /^C / {
	section = "class"
	cls = toupper($2)
	next
}
k == "pci" && section == "class" && /^\t\t[0-9a-f][0-9a-f] / {
	pclass[npclass++] = cls toupper(sub2) toupper(substr($1, 1, 2))
	next
}
k == "pci" && section == "class" && /^\t[0-9a-f][0-9a-f] / {
	sub2 = $1
	pclass[npclass++] = cls toupper($1) "00"
	next
}
k == "pci" && section == "ids" && /^[0-9a-f][0-9a-f][0-9a-f][0-9a-f] / {
	ven = toupper($1)
	next
}
k == "pci" && section == "ids" && /^\t[0-9a-f][0-9a-f][0-9a-f][0-9a-f] / {
	dev = toupper($1)
	pdev[npci++] = ven " " dev " 0000 0000"
	next
}
k == "pci" && section == "ids" && /^\t\t[0-9a-f][0-9a-f][0-9a-f][0-9a-f] [0-9a-f][0-9a-f][0-9a-f][0-9a-f] / {
	pdev[npci++] = ven " " dev " " toupper($1) " " toupper($2)
	next
}

# usb.ids: vendors and products, then the class list after "C xx".
k == "usb" && /^[A-Z] / {
	section = ($1 == "C") ? "class" : "other"
	cls = toupper($2)
	next
}
k == "usb" && section == "class" && /^\t\t[0-9a-f][0-9a-f] / {
	uclass[nuclass++] = cls " " toupper(usub) " " toupper($1)
	next
}
k == "usb" && section == "class" && /^\t[0-9a-f][0-9a-f] / {
	usub = $1
	uclass[nuclass++] = cls " " toupper($1) " 00"
	next
}
k == "usb" && section == "ids" && /^[0-9a-f][0-9a-f][0-9a-f][0-9a-f] / {
	ven = toupper($1)
	next
}
k == "usb" && section == "ids" && /^\t[0-9a-f][0-9a-f][0-9a-f][0-9a-f] / {
	udev[nusb++] = ven " " toupper($1)
	next
}

k == "list" {
	emit($0)
	next
}

END {
	if (npclass == 0)
		pclass[npclass++] = "000000"
	for (i = 0; i < npci; i++) {
		split(pdev[i], f, " ")
		pc = pclass[i % npclass]
		printf "pci:v0000%sd0000%ssv0000%ssd0000%sbc%ssc%si%s\n", f[1], f[2],
		    f[3], f[4], substr(pc, 1, 2), substr(pc, 3, 2), substr(pc, 5, 2)
	}
	if (nuclass == 0)
		uclass[nuclass++] = "00 00 00"
	for (i = 0; i < nusb; i++) {
		split(udev[i], f, " ")
		split(uclass[i % nuclass], uc, " ")
		d = bcd[i % 8]
		printf "usb:v%sp%sd%sdc00dsc00dp00ic%sisc%sip%sin00\n", f[1], f[2], d,
		    uc[1], uc[2], uc[3]
		# A device-class match, and the 2.6.1x form without the in field.
		if (i % 4 == 0)
			printf "usb:v%sp%sd%sdc%sdsc%sdp%sic%sisc%sip%s\n", f[1], f[2],
			    d, uc[1], uc[2], uc[3], uc[1], uc[2], uc[3]
	}
}
