//! Recursive-descent parser producing an untyped syntax tree with byte spans.
//!
//! Precedence, loosest first: `?:`, `??`, `||`, `&&`, comparisons and `in` (not chainable),
//! `+ -`, `* / %`, unary `! -`, postfix `.` `[]` `()`.

use rust_decimal::Decimal;

use super::lexer::{Punct, Tok, Token};
use super::{ExprError, MAX_NESTING, MAX_TREE_DEPTH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    And,
    Or,
    Coalesce,
}

impl BinOp {
    pub(crate) fn text(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::And => "&&",
            BinOp::Or => "||",
            BinOp::Coalesce => "??",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Syn<'s> {
    pub kind: SynKind<'s>,
    pub off: usize,
    pub len: usize,
    pub depth: u32,
}

impl Syn<'_> {
    pub(crate) fn end(&self) -> usize {
        self.off + self.len
    }
}

#[derive(Debug)]
pub(crate) enum SynKind<'s> {
    Num(Decimal),
    Str(String),
    Bool(bool),
    Null,
    Name(&'s str),
    List(Vec<Syn<'s>>),
    Field {
        base: Box<Syn<'s>>,
        name: &'s str,
        name_off: usize,
    },
    Index {
        base: Box<Syn<'s>>,
        index: Box<Syn<'s>>,
    },
    /// A call of a named function; the name starts at the node's `off`.
    Call {
        name: &'s str,
        args: Vec<Syn<'s>>,
    },
    Unary {
        op: UnOp,
        expr: Box<Syn<'s>>,
    },
    Binary {
        op: BinOp,
        lhs: Box<Syn<'s>>,
        rhs: Box<Syn<'s>>,
    },
    Cond {
        cond: Box<Syn<'s>>,
        then: Box<Syn<'s>>,
        els: Box<Syn<'s>>,
    },
}

struct Parser<'t, 's> {
    toks: &'t [Token<'s>],
    pos: usize,
    nesting: usize,
    src_len: usize,
}

pub(crate) fn parse<'s>(toks: &[Token<'s>], src_len: usize) -> Result<Syn<'s>, ExprError> {
    let mut p = Parser {
        toks,
        pos: 0,
        nesting: 0,
        src_len,
    };
    if matches!(p.peek().tok, Tok::Eof) {
        return Err(ExprError::new(0, src_len, "empty expression"));
    }
    let e = p.expr()?;
    let t = p.peek();
    if !matches!(t.tok, Tok::Eof) {
        return Err(ExprError::new(
            t.off,
            t.len,
            format!(
                "unexpected {} after the end of the expression",
                t.tok.describe()
            ),
        ));
    }
    Ok(e)
}

const PREC_COND: u8 = 1;
const PREC_COALESCE: u8 = 2;
const PREC_OR: u8 = 3;
const PREC_AND: u8 = 4;
const PREC_CMP: u8 = 5;
const PREC_ADD: u8 = 6;
const PREC_MUL: u8 = 7;

const EOF: Token<'static> = Token {
    tok: Tok::Eof,
    off: 0,
    len: 0,
};

/// Builds a node spanning `off..end`, refusing trees deeper than [`MAX_TREE_DEPTH`].
fn node<'s>(
    kind: SynKind<'s>,
    off: usize,
    end: usize,
    child_depth: u32,
) -> Result<Syn<'s>, ExprError> {
    let depth = child_depth + 1;
    if depth > MAX_TREE_DEPTH {
        return Err(ExprError::new(
            off,
            end.saturating_sub(off),
            format!("expression is nested too deeply (more than {MAX_TREE_DEPTH} levels)"),
        ));
    }
    Ok(Syn {
        kind,
        off,
        len: end.saturating_sub(off),
        depth,
    })
}

impl<'s> Parser<'_, 's> {
    fn peek(&self) -> &Token<'s> {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .unwrap_or(&EOF)
    }

    fn bump(&mut self) -> Token<'s> {
        let t = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, p: Punct) -> bool {
        if self.peek().tok == Tok::P(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, p: Punct, what: &str) -> Result<Token<'s>, ExprError> {
        let t = self.peek();
        if t.tok == Tok::P(p) {
            Ok(self.bump())
        } else {
            Err(ExprError::new(
                t.off,
                t.len,
                format!("expected `{}` {what}, found {}", p.text(), t.tok.describe()),
            ))
        }
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            let t = self.peek();
            return Err(ExprError::new(
                t.off,
                t.len,
                format!("expression is nested too deeply (more than {MAX_NESTING} levels)"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    /// A full expression (the loosest level).
    fn expr(&mut self) -> Result<Syn<'s>, ExprError> {
        self.enter()?;
        let r = self.binary(PREC_COND);
        self.leave();
        r
    }

    /// The infix operator at the current token and its precedence (`None`: the conditional).
    fn infix(&self) -> Option<(Option<BinOp>, u8)> {
        Some(match self.peek().tok {
            Tok::P(Punct::Question) => (None, PREC_COND),
            Tok::P(Punct::QQ) => (Some(BinOp::Coalesce), PREC_COALESCE),
            Tok::P(Punct::OrOr) => (Some(BinOp::Or), PREC_OR),
            Tok::P(Punct::AndAnd) => (Some(BinOp::And), PREC_AND),
            Tok::P(Punct::EqEq) => (Some(BinOp::Eq), PREC_CMP),
            Tok::P(Punct::Ne) => (Some(BinOp::Ne), PREC_CMP),
            Tok::P(Punct::Lt) => (Some(BinOp::Lt), PREC_CMP),
            Tok::P(Punct::Le) => (Some(BinOp::Le), PREC_CMP),
            Tok::P(Punct::Gt) => (Some(BinOp::Gt), PREC_CMP),
            Tok::P(Punct::Ge) => (Some(BinOp::Ge), PREC_CMP),
            Tok::In => (Some(BinOp::In), PREC_CMP),
            Tok::P(Punct::Plus) => (Some(BinOp::Add), PREC_ADD),
            Tok::P(Punct::Minus) => (Some(BinOp::Sub), PREC_ADD),
            Tok::P(Punct::Star) => (Some(BinOp::Mul), PREC_MUL),
            Tok::P(Punct::Slash) => (Some(BinOp::Div), PREC_MUL),
            Tok::P(Punct::Percent) => (Some(BinOp::Rem), PREC_MUL),
            _ => return None,
        })
    }

    /// Precedence climbing: operators binding at least as tightly as `min`. Left-associative
    /// levels recurse with a strictly higher `min` (bounded depth); the right-associative `??`
    /// and `?:` recurse through [`Self::enter`], so every recursion is bounded.
    fn binary(&mut self, min: u8) -> Result<Syn<'s>, ExprError> {
        let mut lhs = self.unary()?;
        while let Some((op, prec)) = self.infix() {
            if prec < min {
                break;
            }
            self.bump();
            lhs = match op {
                None => {
                    let then = self.expr()?;
                    self.expect(Punct::Colon, "in the conditional `c ? a : b`")?;
                    let els = self.expr()?;
                    let (off, end) = (lhs.off, els.end());
                    let d = lhs.depth.max(then.depth).max(els.depth);
                    node(
                        SynKind::Cond {
                            cond: Box::new(lhs),
                            then: Box::new(then),
                            els: Box::new(els),
                        },
                        off,
                        end,
                        d,
                    )?
                }
                Some(BinOp::Coalesce) => {
                    self.enter()?;
                    let rhs = self.binary(prec);
                    self.leave();
                    binary(BinOp::Coalesce, lhs, rhs?)?
                }
                Some(op) => {
                    let rhs = self.binary(prec + 1)?;
                    if prec == PREC_CMP && matches!(self.infix(), Some((_, PREC_CMP))) {
                        let t = self.peek();
                        return Err(ExprError::new(
                            t.off,
                            t.len,
                            "comparisons cannot be chained; combine them with `&&`",
                        ));
                    }
                    binary(op, lhs, rhs)?
                }
            };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Syn<'s>, ExprError> {
        let op = match self.peek().tok {
            Tok::P(Punct::Bang) => UnOp::Not,
            Tok::P(Punct::Minus) => UnOp::Neg,
            _ => return self.postfix(),
        };
        let t = self.bump();
        self.enter()?;
        let e = self.unary();
        self.leave();
        let e = e?;
        let (end, d) = (e.end(), e.depth);
        node(
            SynKind::Unary {
                op,
                expr: Box::new(e),
            },
            t.off,
            end,
            d,
        )
    }

    fn postfix(&mut self) -> Result<Syn<'s>, ExprError> {
        let mut e = self.primary()?;
        loop {
            if self.eat(Punct::Dot) {
                let t = self.bump();
                let Tok::Ident(name) = t.tok else {
                    return Err(ExprError::new(
                        t.off,
                        t.len,
                        format!(
                            "expected a field name after `.`, found {}",
                            t.tok.describe()
                        ),
                    ));
                };
                let (off, d) = (e.off, e.depth);
                e = node(
                    SynKind::Field {
                        base: Box::new(e),
                        name,
                        name_off: t.off,
                    },
                    off,
                    t.off + t.len,
                    d,
                )?;
            } else if self.eat(Punct::LBracket) {
                let index = self.expr()?;
                let close = self.expect(Punct::RBracket, "to close the index")?;
                let (off, d) = (e.off, e.depth.max(index.depth));
                e = node(
                    SynKind::Index {
                        base: Box::new(e),
                        index: Box::new(index),
                    },
                    off,
                    close.off + close.len,
                    d,
                )?;
            } else if self.peek().tok == Tok::P(Punct::LParen) {
                let t = self.peek();
                return Err(ExprError::new(
                    e.off,
                    t.off + t.len - e.off,
                    "only named functions can be called, e.g. `size(x)`",
                ));
            } else {
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> Result<Syn<'s>, ExprError> {
        let t = self.bump();
        let (off, end) = (t.off, t.off + t.len);
        let leaf = move |kind| node(kind, off, end, 0);
        match t.tok {
            Tok::Num(n) => leaf(SynKind::Num(n)),
            Tok::Str(s) => leaf(SynKind::Str(s)),
            Tok::True => leaf(SynKind::Bool(true)),
            Tok::False => leaf(SynKind::Bool(false)),
            Tok::Null => leaf(SynKind::Null),
            Tok::Ident(name) => {
                if !self.eat(Punct::LParen) {
                    return leaf(SynKind::Name(name));
                }
                let (args, close, d) = self.items(Punct::RParen, "to close the argument list")?;
                node(SynKind::Call { name, args }, off, close, d)
            }
            Tok::P(Punct::LParen) => {
                let mut e = self.expr()?;
                let close = self.expect(Punct::RParen, "to close `(`")?;
                // The parenthesised expression's span includes the parentheses.
                e.off = off;
                e.len = close.off + close.len - off;
                Ok(e)
            }
            Tok::P(Punct::LBracket) => {
                let (items, close, d) = self.items(Punct::RBracket, "to close the list")?;
                node(SynKind::List(items), off, close, d)
            }
            Tok::Eof => Err(ExprError::new(
                self.src_len,
                0,
                "unexpected end of the expression; expected a value",
            )),
            other => Err(ExprError::new(
                off,
                end - off,
                format!("expected an expression, found {}", other.describe()),
            )),
        }
    }

    /// Comma-separated expressions up to `close` (a trailing comma is allowed). Returns them, the
    /// end offset of the closing token and their maximum depth.
    fn items(&mut self, close: Punct, what: &str) -> Result<(Vec<Syn<'s>>, usize, u32), ExprError> {
        let mut items = Vec::new();
        let mut depth = 0;
        loop {
            if self.peek().tok == Tok::P(close) {
                let t = self.bump();
                return Ok((items, t.off + t.len, depth));
            }
            let e = self.expr()?;
            depth = depth.max(e.depth);
            items.push(e);
            if !self.eat(Punct::Comma) {
                let t = self.expect(close, what)?;
                return Ok((items, t.off + t.len, depth));
            }
        }
    }
}

fn binary<'s>(op: BinOp, lhs: Syn<'s>, rhs: Syn<'s>) -> Result<Syn<'s>, ExprError> {
    let (off, end, d) = (lhs.off, rhs.end(), lhs.depth.max(rhs.depth));
    node(
        SynKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        off,
        end,
        d,
    )
}
