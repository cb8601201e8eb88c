/* Editor code every node-red-contrib-ftps dialog shares; Node-RED serves
 * this folder at resources/node-red-contrib-ftps/. Each node's .html keeps
 * its registerType literals inline (the Flow Library scorecard reads them)
 * and describes its dialog rows with <ftps-row> markers, which this script
 * expands into Node-RED's form markup when the node's html is loaded, before
 * any dialog is built from the template. */
(function (root) {
    var TYPES = ["msg", "flow", "global", "str", "env", "jsonata"];
    var INPUT_WIDTH = "calc(100% - 160px)";

    function esc(s) {
        return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    }

    /** Attributes of one marker tag (our own template text, never server text). */
    function attrsOf(text) {
        var out = {};
        var re = /([a-zA-Z][\w-]*)="([^"]*)"/g;
        var m;
        while ((m = re.exec(text)) !== null) out[m[1]] = m[2];
        return out;
    }

    /** "a=x b" → [["a","x"],["b","b"]]; "=x" is the empty value. */
    function optionsOf(spec) {
        return spec.split(/\s+/).filter(Boolean).map(function (o) {
            var i = o.indexOf("=");
            return i < 0 ? [o, o] : [o.slice(0, i), o.slice(i + 1)];
        });
    }

    /**
     * One form row. i18n keys follow one scheme per node type:
     * <type>.label.<field>, <type>.<field>.<option key>, <type>.tooltip.<field>
     * (when the marker says tooltip), placeholders under <type>.placeholder.
     */
    function rowHtml(type, a) {
        var prefix = type === "ftps-server" ? "node-config-input" : "node-input";
        var kind = a.kind;
        var field = a.field || kind;
        var id = prefix + "-" + field;
        var cls = "form-row ftps-row" + (a["class"] ? " " + a["class"] : "");
        var rowId = a.id ? ' id="' + esc(a.id) + '"' : "";
        var title = a.tooltip !== undefined ? ";[title]" + type + ".tooltip." + field : "";
        if (kind === "tip") {
            return '<div class="form-tips' + (a["class"] ? " " + esc(a["class"]) : "") + '" data-i18n="[html]' + type + ".tip." + field + '"></div>';
        }
        if (kind === "check") {
            return '<div class="' + cls + '"' + rowId + '><label>&nbsp;</label>' +
                '<input type="checkbox" id="' + id + '" style="display: inline-block; width: auto; vertical-align: top;"> ' +
                '<label for="' + id + '" class="ftps-check-label" data-i18n="' + type + ".label." + field + title + '"></label></div>';
        }
        var icon = a.icon || { server: "server", name: "tag" }[kind] || "cog";
        var label = '<label for="' + id + '"' + (title ? ' data-i18n="' + title.slice(1) + '"' : "") + '><i class="fa fa-' + icon + '"></i> ' +
            '<span data-i18n="' + type + ".label." + field + '"></span></label>';
        var width = a.width || INPUT_WIDTH;
        var control;
        if (kind === "select") {
            control = '<select id="' + id + '" style="width: ' + width + ';">' + optionsOf(a.options || "").map(function (o) {
                return '<option value="' + esc(o[0]) + '" data-i18n="' + type + "." + field + "." + o[1] + '"></option>';
            }).join("") + "</select>";
        } else {
            var ph = a.placeholder !== undefined ? ' placeholder="' + esc(a.placeholder) + '"' : "";
            if (a.ph) ph = ' data-i18n="[placeholder]' + type + "." + a.ph + '"';
            if (kind === "name") ph = ' data-i18n="[placeholder]' + type + '.label.name"';
            var auto = a.autocomplete ? ' autocomplete="' + esc(a.autocomplete) + '"' : "";
            var inputType = a.input || "text";
            control = '<input type="' + inputType + '" id="' + id + '"' + (kind === "server" || kind === "name" ? "" : ' style="width: ' + width + ';"') + ph + auto + ">";
            if (kind === "typed") control += '<input type="hidden" id="' + id + 'Type">';
        }
        var unit = a.unit ? ' <span class="ftps-unit" data-i18n="' + type + "." + a.unit + '"></span>' : "";
        return '<div class="' + cls + '"' + rowId + ">" + label + control + unit + "</div>";
    }

    /**
     * Row groups several nodes share: kind="multi" is the multi-file options
     * of get, put and xput; kind="command" the whole dialog of site and quot
     * (the marker's icon goes to the command field).
     */
    var GROUPS = {
        multi: function () {
            return [
                { kind: "check", field: "recursive" },
                { kind: "select", field: "skip", icon: "step-forward", options: "none same older" },
                { kind: "check", field: "deleteExtraneous" },
                { kind: "text", field: "concurrency", icon: "tasks", width: "80px", placeholder: "1" }
            ];
        },
        command: function (a) {
            return [{ kind: "server" }, { kind: "typed", field: "command", icon: a.icon }, { kind: "tip", field: "command" }, { kind: "name" }];
        }
    };

    /** The template text with every <ftps-row ...></ftps-row> replaced by its form row(s). */
    function expand(type, html) {
        return html.replace(/<ftps-row\b([^>]*)><\/ftps-row>/g, function (_, text) {
            var a = attrsOf(text);
            var group = GROUPS[a.kind];
            if (!group) return rowHtml(type, a);
            return group(a).map(function (row) {
                var r = { "class": a["class"] };
                Object.keys(row).forEach(function (k) { r[k] = row[k]; });
                return rowHtml(type, r);
            }).join("");
        });
    }

    /**
     * Help sections several nodes share are written once, in one node's help
     * (between <!--ftps-help:NAME--> and <!--/ftps-help:NAME-->), in the
     * language the editor loaded; another node's help names it with
     * <!--ftps-help:NAME from=TYPE-->fallback<!--/ftps-help:NAME-->, which
     * becomes a copy of it. The fallback stays when TYPE's help is not there
     * (its node set disabled).
     */
    function shareHelp(helpOf) {
        var PLACE = /<!--ftps-help:([\w-]+) from=([\w-]+)-->[\s\S]*?<!--\/ftps-help:\1-->/g;
        return function (text) {
            return text.replace(PLACE, function (whole, name, from) {
                var source = helpOf(from) || "";
                var start = source.indexOf("<!--ftps-help:" + name + "-->");
                var end = source.indexOf("<!--/ftps-help:" + name + "-->");
                if (start < 0 || end < start) return whole;
                return source.slice(start, end + ("<!--/ftps-help:" + name + "-->").length);
            });
        };
    }

    /** Fill the shared sections into every help of this package that is in the page (again for help loaded since). */
    function helpSections() {
        var fill = shareHelp(function (type) { return $('script[data-help-name="' + type + '"]').html(); });
        $('script[data-help-name^="ftps-"]').each(function () {
            var el = $(this);
            var text = el.html();
            var filled = fill(text);
            if (filled !== text) el.text(filled);
        });
    }

    /** Expand the node's template in place (called from its html once the template is in the page). */
    function template(type) {
        var el = $('script[data-template-name="' + type + '"]');
        if (el.length && !el.data("ftps-expanded")) {
            el.text(expand(type, el.html()));
            el.data("ftps-expanded", true);
        }
        helpSections();
        if (!$("#ftps-editor-style").length) {
            $("<style id=\"ftps-editor-style\">" +
                ".ftps-row > label:first-child { width: 150px; white-space: nowrap; }" +
                ".ftps-row > label.ftps-check-label { width: calc(100% - 200px); white-space: normal; vertical-align: top; margin-left: 4px; }" +
                "</style>").appendTo("head");
        }
    }

    /**
     * A TypedInput field stored as <field> + <field>Type. A flow without the
     * pair gets what the runtime uses: msg.<msgDefault> when the field is
     * empty, else the field as a plain string; a "msg" type without a
     * property also means msg.<msgDefault>.
     */
    function typedField(node, field, msgDefault, types) {
        var input = $("#node-input-" + field);
        var typeInput = $("#node-input-" + field + "Type");
        if (!node[field + "Type"]) {
            if (!node[field]) {
                input.val(msgDefault);
                typeInput.val("msg");
            } else {
                typeInput.val("str");
            }
        } else if (node[field + "Type"] === "msg" && !node[field]) {
            input.val(msgDefault);
        }
        input.typedInput({ default: "msg", types: types || TYPES, typeField: "#node-input-" + field + "Type" });
    }

    /** The ftps-server config nodes a node on the active flow may use. */
    function servers() {
        var tab = RED.workspaces.active();
        var list = [];
        RED.nodes.eachConfig(function (c) {
            if (c.type === "ftps-server" && (!c.z || c.z === tab)) list.push(c);
        });
        return list;
    }

    /** onadd: a node dropped from the palette uses the server when there is exactly one. */
    function onadd() {
        if (this.server) return;
        var s = servers();
        if (s.length === 1) this.server = s[0].id;
    }

    /**
     * The server select of an open dialog: with exactly one server, it is
     * chosen; with several and none set, "none" stays chosen rather than the
     * browser's first option, so the user picks deliberately.
     */
    function pickServer(node) {
        if (node.server) return;
        var s = servers();
        var select = $("#node-input-server");
        if (s.length === 1) select.val(s[0].id);
        else if (s.length > 1) select.val("_ADD_");
    }

    /** The dialog's current values by field name (checkboxes as booleans). */
    function values(fields) {
        var v = {};
        fields.forEach(function (f) {
            var el = $("#node-input-" + f);
            v[f] = el.is(":checkbox") ? el.is(":checked") : el.val();
        });
        return v;
    }

    /**
     * The shared part of an action node's oneditprepare: the server choice,
     * its TypedInputs ([field, msg default, types?]), and rows shown only
     * when they apply: show(values) returns { selector: visible }, re-run
     * whenever one of `watch` changes.
     */
    function prepare(node, opts) {
        pickServer(node);
        (opts.typed || []).forEach(function (t) { typedField(node, t[0], t[1], t[2]); });
        if (!opts.show) return;
        var watch = opts.watch || [];
        function refresh() {
            var shown = opts.show(values(watch));
            Object.keys(shown).forEach(function (sel) { $(sel).toggle(!!shown[sel]); });
        }
        $(watch.map(function (f) { return "#node-input-" + f; }).join(", ")).on("change", refresh);
        refresh();
    }

    /** An oneditprepare that runs prepare() with these options. */
    function dialog(opts) {
        return function () { prepare(this, opts); };
    }

    /** label(): the name, else "<verb> <path>" when the path is a fixed string, else the palette label. */
    function label(verb, field, fallback) {
        return function () {
            var fixed = this[field + "Type"] === "str" && this[field];
            return this.name || (fixed ? (verb ? verb + " " : "") + this[field] : fallback);
        };
    }

    function labelStyle() {
        return this.name ? "node_label_italic" : "";
    }

    /** The dialog's current settings: every property of the definition, as its input holds it. */
    function dialogConfig(node) {
        var config = {};
        Object.keys(node._def.defaults).forEach(function (k) {
            var el = $("#node-config-input-" + k);
            if (!el.length) return;
            config[k] = el.is(":checkbox") ? el.is(":checked") : el.val();
        });
        if (config.tls === "_ADD_") config.tls = "";
        if (config.proxy === "_ADD_") config.proxy = "";
        return config;
    }

    /**
     * "Test connection" in the ftps-server dialog: posts the dialog's current
     * settings (saved or not) to the admin endpoint and shows what came
     * back. An unchanged password field holds Node-RED's placeholder, which
     * tells the endpoint to use the node's saved password. Server text is
     * shown as text, never as markup.
     */
    function testButton(node) {
        var out = $("#ftps-server-test-result");
        var button = $("#ftps-server-test");
        function line(key, value) {
            return $("<div>").append($("<b>").text(node._("ftps-server.test." + key) + ": ")).append($("<span>").text(value));
        }
        function show(r) {
            out.empty().show();
            out.append($("<div>").css("font-weight", "bold").text(node._(r.ok ? "ftps-server.test.ok" : "ftps-server.test.failed")));
            if (r.greeting) out.append(line("greeting", r.greeting));
            if (r.tls) {
                out.append(line("tls", r.tls.protocol + " " + r.tls.cipher));
                if (r.tls.certificate) {
                    out.append(line("subject", r.tls.certificate.subject));
                    out.append(line("issuer", r.tls.certificate.issuer));
                    out.append(line("fingerprint", r.tls.certificate.fingerprint256));
                }
            }
            if (r.feat) out.append(line("feat", r.feat.join(", ") || "-"));
            if (typeof r.entries === "number") out.append(line("entries", String(r.entries)));
            (r.notes || []).forEach(function (n) { out.append(line("note", n)); });
            if (r.error) out.append(line("error", r.error));
            if (r.hint) out.append(line("hint", r.hint));
            var cert = r.certificate;
            if (cert && cert.fingerprint256) {
                out.append(line("subject", cert.subject)).append(line("issuer", cert.issuer)).append(line("fingerprint", cert.fingerprint256));
                $('<button type="button" id="ftps-server-test-pin" class="red-ui-button" style="margin-top: 6px;">')
                    .append('<i class="fa fa-thumb-tack"></i> ').append($("<span>").text(node._("ftps-server.test.pin")))
                    .on("click", function () {
                        $("#node-config-input-fingerprint").val(cert.fingerprint256).trigger("change");
                        $(this).prop("disabled", true);
                        out.append($("<div>").text(node._("ftps-server.test.pinned")));
                    })
                    .appendTo(out);
            }
        }
        button.on("click", function () {
            button.prop("disabled", true);
            out.show().text(node._("ftps-server.test.running"));
            $.ajax({
                url: "ftps-server/test",
                type: "POST",
                contentType: "application/json",
                data: JSON.stringify({
                    id: node.id,
                    config: dialogConfig(node),
                    credentials: { user: $("#node-config-input-user").val(), password: $("#node-config-input-password").val() }
                }),
                success: show,
                error: function (xhr) { show({ ok: false, error: xhr.status + " " + (xhr.statusText || "") }); },
                complete: function () { button.prop("disabled", false); }
            });
        });
    }

    var api = { expand: expand, shareHelp: shareHelp, template: template, testButton: testButton, typedField: typedField, prepare: prepare, dialog: dialog, pickServer: pickServer, onadd: onadd, servers: servers, label: label, labelStyle: labelStyle };
    if (typeof module === "object" && module.exports) module.exports = api;
    else root.ftpsEditor = api;
})(this);
