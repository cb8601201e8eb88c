/* Editor code every node-red-contrib-ftps dialog shares; Node-RED serves
 * this folder at resources/node-red-contrib-ftps/. */
(function () {
    var TYPES = ["msg", "flow", "global", "str", "env", "jsonata"];

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

    window.ftpsEditor = { typedField: typedField };
})();
