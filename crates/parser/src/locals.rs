//! Locals: ordering, cycle detection and memoized evaluation.
//!
//! Exists because locals may reference each other in any order across any
//! number of `locals` blocks. A syntactic pass finds which locals each one
//! reads, reports every cycle once, naming it (`local.a -> local.b ->
//! local.a`), and yields an order in which each local is evaluated after
//! the locals it reads. Each local is evaluated once; its value and the
//! resource instances it references are memoized so that a resource using
//! the local depends on those instances too.

use std::collections::BTreeSet;

use hcl_edit::expr::{Expression, TraversalOperator};

use crate::diagnostic::Diagnostic;
use crate::eval::{Eval, Evaluator, Place, Reported, Scope, Slot};
use crate::manifest::Address;
use crate::value::Value;

/// Names of locals referenced anywhere in `expr`.
fn local_names(expr: &Expression) -> Vec<&str> {
    struct V<'e> {
        out: Vec<&'e str>,
    }
    fn walk<'e>(v: &mut V<'e>, e: &'e Expression) {
        use hcl_edit::expr::Expression as E;
        match e {
            E::Traversal(t) => {
                if let (E::Variable(root), Some(TraversalOperator::GetAttr(name))) =
                    (&t.expr, t.operators.first().map(|o| o.value()))
                {
                    if root.as_str() == "local" {
                        v.out.push(name.as_str());
                    }
                }
                walk(v, &t.expr);
                for op in &t.operators {
                    if let TraversalOperator::Index(ix) = op.value() {
                        walk(v, ix);
                    }
                }
            }
            E::Array(a) => a.iter().for_each(|x| walk(v, x)),
            E::Object(o) => {
                for (k, val) in o.iter() {
                    if let hcl_edit::expr::ObjectKey::Expression(ke) = k {
                        walk(v, ke);
                    }
                    walk(v, val.expr());
                }
            }
            E::StringTemplate(t) => walk_template(v, t),
            E::HeredocTemplate(h) => walk_template(v, &h.template),
            E::Parenthesis(p) => walk(v, p.inner()),
            E::Conditional(c) => {
                walk(v, &c.cond_expr);
                walk(v, &c.true_expr);
                walk(v, &c.false_expr);
            }
            E::FuncCall(f) => f.args.iter().for_each(|x| walk(v, x)),
            E::UnaryOp(u) => walk(v, &u.expr),
            E::BinaryOp(b) => {
                walk(v, &b.lhs_expr);
                walk(v, &b.rhs_expr);
            }
            E::ForExpr(f) => {
                walk(v, &f.intro.collection_expr);
                if let Some(k) = &f.key_expr {
                    walk(v, k);
                }
                walk(v, &f.value_expr);
                if let Some(c) = &f.cond {
                    walk(v, &c.expr);
                }
            }
            E::Null(_) | E::Bool(_) | E::Number(_) | E::String(_) | E::Variable(_) => {}
        }
    }
    fn walk_template<'e>(v: &mut V<'e>, t: &'e hcl_edit::template::Template) {
        use hcl_edit::template::{Directive, Element};
        for el in t.iter() {
            match el {
                Element::Literal(_) => {}
                Element::Interpolation(i) => walk(v, &i.expr),
                Element::Directive(d) => match &**d {
                    Directive::If(i) => {
                        walk(v, &i.if_expr.cond_expr);
                        walk_template(v, &i.if_expr.template);
                        if let Some(e) = &i.else_expr {
                            walk_template(v, &e.template);
                        }
                    }
                    Directive::For(f) => {
                        walk(v, &f.for_expr.collection_expr);
                        walk_template(v, &f.for_expr.template);
                    }
                },
            }
        }
    }
    let mut v = V { out: Vec::new() };
    walk(&mut v, expr);
    v.out
}

impl Evaluator<'_> {
    /// Reports every cycle among locals (once each) and evaluates all
    /// locals, dependencies first.
    pub(crate) fn eval_locals(&mut self) {
        let n = self.decls.locals.len();
        // Edges: local i reads locals edges[i].
        let edges: Vec<Vec<usize>> = self
            .decls
            .locals
            .iter()
            .map(|l| {
                let mut seen = BTreeSet::new();
                local_names(l.attr.expr)
                    .into_iter()
                    .filter_map(|name| self.local_index.get(name).copied())
                    .filter(|j| seen.insert(*j))
                    .collect()
            })
            .collect();
        // Iterative DFS (0 = white, 1 = on stack, 2 = done) so that long
        // chains of locals cannot overflow the call stack.
        let mut color = vec![0u8; n];
        let mut order = Vec::with_capacity(n);
        let mut in_cycle = vec![false; n];
        for root in 0..n {
            if color[root] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            color[root] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let succ = edges.get(node).and_then(|e| e.get(*next)).copied();
                *next += 1;
                match succ {
                    Some(s) if color[s] == 0 => {
                        color[s] = 1;
                        stack.push((s, 0));
                    }
                    Some(s) if color[s] == 1 => {
                        // A back edge: the cycle is the stack from `s` on.
                        let pos = stack.iter().position(|(x, _)| *x == s).unwrap_or(0);
                        let members: Vec<usize> = stack
                            .get(pos..)
                            .unwrap_or_default()
                            .iter()
                            .map(|(x, _)| *x)
                            .collect();
                        if members.iter().any(|m| in_cycle[*m]) {
                            continue;
                        }
                        for m in &members {
                            in_cycle[*m] = true;
                        }
                        self.report_local_cycle(&members);
                    }
                    Some(_) => {}
                    None => {
                        color[node] = 2;
                        order.push(node);
                        stack.pop();
                    }
                }
            }
        }
        for (i, bad) in in_cycle.iter().enumerate() {
            if *bad {
                if let Some(s) = self.local_state.get_mut(i) {
                    *s = Slot::Done((Err(Reported), Vec::new(), false));
                }
            }
        }
        for i in order {
            let _ = self.local_value(i);
        }
    }

    fn report_local_cycle(&mut self, members: &[usize]) {
        let names: Vec<&str> = members
            .iter()
            .filter_map(|m| self.decls.locals.get(*m).map(|l| l.name))
            .collect();
        let Some(first) = members.first().and_then(|m| self.decls.locals.get(*m)) else {
            return;
        };
        let mut path: Vec<String> = names.iter().map(|n| format!("local.{n}")).collect();
        path.push(format!(
            "local.{}",
            names.first().copied().unwrap_or_default()
        ));
        let chain = path.join(" -> ");
        let places: Vec<String> = members
            .iter()
            .filter_map(|m| self.decls.locals.get(*m))
            .filter_map(|l| l.attr.key_span.or(l.attr.span))
            .map(|s| {
                let loc = self.sources.location(s);
                format!("{}:{}", loc.file, loc.line)
            })
            .collect();
        let span = first.attr.key_span.or(first.attr.span);
        self.report(
            Diagnostic::error(format!("cycle among locals: {chain}"), span)
                .with_label("part of a cycle")
                .with_help(format!(
                    "break the cycle: one of these locals must not depend on the others (defined at {})",
                    places.join(", ")
                )),
        );
    }

    /// The value of local `i`, the resource instances it references, and
    /// whether it is derived from a sensitive value.
    pub(crate) fn local_value(
        &mut self,
        i: usize,
    ) -> Result<(Value, Vec<Address>, bool), Reported> {
        match self.local_state.get(i) {
            Some(Slot::Done((v, targets, sensitive))) => {
                return v.clone().map(|v| (v, targets.clone(), *sensitive))
            }
            Some(Slot::InProgress) => {
                let (name, span) = match self.decls.locals.get(i) {
                    Some(l) => (l.name, l.attr.key_span.or(l.attr.span)),
                    None => return Err(Reported),
                };
                let err = self.report(
                    Diagnostic::error(format!("local.{name} depends on itself through a resource attribute"), span)
                        .with_label("self-referencing local")
                        .with_help("a local must not read a resource attribute that is computed from the same local"),
                );
                if let Some(s) = self.local_state.get_mut(i) {
                    *s = Slot::Done((Err(err), Vec::new(), false));
                }
                return Err(err);
            }
            Some(Slot::NotStarted) => {}
            None => return Err(Reported),
        }
        let Some(attr) = self.decls.locals.get(i).map(|l| l.attr) else {
            return Err(Reported);
        };
        if let Some(s) = self.local_state.get_mut(i) {
            *s = Slot::InProgress;
        }
        let mut scope = Scope::new(Some(attr.file), Place::Local, None);
        let ((v, deps), sensitive): ((Eval, _), bool) =
            self.isolated(|ev| ev.collecting(|ev| ev.eval(attr.expr, &mut scope)));
        let v = v.and_then(|v| self.keep(v, attr.value_span()));
        let mut targets: Vec<Address> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (a, _) in deps {
            if seen.insert(a.clone()) {
                targets.push(a);
            }
        }
        // A cycle through a resource may have settled this local already.
        if let Some(Slot::Done((Err(r), _, _))) = self.local_state.get(i) {
            return Err(*r);
        }
        if let Some(s) = self.local_state.get_mut(i) {
            *s = Slot::Done((v.clone(), targets.clone(), sensitive));
        }
        v.map(|v| (v, targets, sensitive))
    }
}
